package dev.devproxy.internal.echo;

import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.HeaderName;
import dev.devproxy.parser.HttpVersion;
import dev.devproxy.parser.RequestHead;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Writes echo's JSON object (RFC 8259, UTF-8) for one request, escaping straight from the head's bytes into an
 * array it reuses: no {@code String} per field, no encoder. One per event loop, confined to its thread.
 *
 * <p>The members are method, target, path, query, version, headers (an array of name and value pairs),
 * bodyLength, bodySha256, body, remoteAddress, targetForm ({@code origin}, {@code absolute}, {@code authority} or
 * {@code asterisk}) and authority, in that order; on a TLS connection, then tls (see {@link #tlsMember}). Head bytes are shown decoded as ISO-8859-1 (so
 * obs-text 0x80 to 0xFF becomes U+0080 to U+00FF, two UTF-8 bytes each); the body, when it is text, as the
 * UTF-8 it is. The quotation mark, the backslash and the controls U+0000 to U+001F and U+007F are escaped;
 * nothing else is.
 *
 * <p>Ownership: the array behind {@link #render} belongs to this loop and is rewritten by the next render. A
 * caller that cannot write the bytes at once must copy them; {@link #isOutput} lets the connection tell. The
 * array grows to fit the largest answer so far and stays that size, bounded by the parser's head limits and
 * {@link EchoBody#MAX_TEXT_BYTES}: at worst six output bytes per body byte and twelve per head byte (the target
 * is written again as path and query).
 */
public final class EchoJson {
    /** Idle bodies kept for reuse; more only while more requests are receiving bodies on this loop at once. */
    private static final int MAX_IDLE_BODIES = 8;
    /** What a JSON string needs at most per byte: a control escaped as backslash, u and four hex digits. */
    private static final int MAX_ESCAPED = 6;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_SHA256 =
            ascii("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /** For each ASCII byte, 0 when it stands for itself in a JSON string, else the letter after its backslash. */
    private static final byte[] ESCAPE = new byte[128];

    static {
        // RFC 8259 section 7: quotation mark, reverse solidus and U+0000..U+001F must be escaped. U+007F need not
        // be, but always was; the two-letter forms are used where they exist.
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 'u';
        }
        ESCAPE[0x7F] = 'u';
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
        ESCAPE['\n'] = 'n';
        ESCAPE['\r'] = 'r';
        ESCAPE['\t'] = 't';
        ESCAPE['\b'] = 'b';
        ESCAPE['\f'] = 'f';
    }

    private static final byte[] METHOD = ascii("{\"method\":");
    private static final byte[] TARGET = ascii(",\"target\":");
    private static final byte[] PATH = ascii(",\"path\":");
    private static final byte[] QUERY = ascii(",\"query\":");
    private static final byte[] VERSION_1_0 = ascii(",\"version\":\"HTTP/1.0\",\"headers\":[");
    private static final byte[] VERSION_1_1 = ascii(",\"version\":\"HTTP/1.1\",\"headers\":[");
    private static final byte[] BODY_LENGTH = ascii("],\"bodyLength\":");
    private static final byte[] BODY_SHA256 = ascii(",\"bodySha256\":\"");
    private static final byte[] BODY = ascii("\",\"body\":");
    private static final byte[] REMOTE_ADDRESS = ascii(",\"remoteAddress\":");
    private static final byte[] FORM_ORIGIN = ascii(",\"targetForm\":\"origin\",\"authority\":");
    private static final byte[] FORM_ABSOLUTE = ascii(",\"targetForm\":\"absolute\",\"authority\":");
    private static final byte[] FORM_AUTHORITY = ascii(",\"targetForm\":\"authority\",\"authority\":");
    private static final byte[] FORM_ASTERISK = ascii(",\"targetForm\":\"asterisk\",\"authority\":");
    private static final byte[] NULL = ascii("null");
    private static final byte[] EMPTY_STRING = ascii("\"\"");

    private byte[] out = new byte[1024];
    private int length;
    private ByteBuffer output = ByteBuffer.wrap(out);
    /** Where the head's target, names and values are copied to be escaped; as large as the largest head seen. */
    private ByteBuffer raw = ByteBuffer.allocate(1024);
    private final byte[] hash = new byte[32];
    private final EchoBody[] idleBodies = new EchoBody[MAX_IDLE_BODIES];
    private int idleBodyCount;

    /** An empty renderer; it grows as needed. */
    public EchoJson() {
    }

    /**
     * A body to collect a request's body in, until {@link #recycle} takes it back.
     *
     * @return an empty body, reused when one is idle
     */
    public EchoBody takeBody() {
        if (idleBodyCount == 0) {
            return new EchoBody();
        }
        EchoBody body = idleBodies[--idleBodyCount];
        idleBodies[idleBodyCount] = null;
        return body;
    }

    /**
     * Takes back a body from {@link #takeBody()}, emptied; the caller must not touch it again.
     *
     * @param body the body to reuse
     */
    public void recycle(EchoBody body) {
        body.clear();
        if (idleBodyCount < idleBodies.length) {
            idleBodies[idleBodyCount++] = body;
        }
    }

    /**
     * Writes the JSON for {@code head} and {@code body}. Reads the head through its public accessors, so it
     * must be called while the head is valid (before its parser reports the next head).
     *
     * @param head the request's head
     * @param body the request's body, or null when it had none
     * @param remoteAddress the client's address as {@code host:port}, already {@linkplain #quote quoted}
     * @return the JSON, from position 0 to its limit; valid until the next call
     */
    public ByteBuffer render(RequestHead head, @Nullable EchoBody body, byte[] remoteAddress) {
        return render(head, body, remoteAddress, null);
    }

    /**
     * {@link #render(RequestHead, EchoBody, byte[])}, with the {@link #tlsMember} of a TLS connection last.
     *
     * @param tls the {@code "tls"} member, or null on a plain connection (then the output is exactly the other
     *     method's)
     * @return the JSON, from position 0 to its limit; valid until the next call
     */
    public ByteBuffer render(RequestHead head, @Nullable EchoBody body, byte[] remoteAddress, byte @Nullable [] tls) {
        length = 0;
        int headLength = head.headLength();
        if (raw.capacity() < headLength) {
            raw = ByteBuffer.allocate(Math.max(headLength, raw.capacity() * 2));
        }
        // One check here, none per byte below. Each head byte is escaped at most twice (the target is also the
        // path and query), to at most six bytes; a field line's eight bytes of brackets, quotes and comma are
        // fewer than six times its colon and CRLF. 256 covers the member names, the number and the hash.
        ensure(256 + 2 * MAX_ESCAPED * headLength
                + (body != null && body.length() <= EchoBody.MAX_TEXT_BYTES ? MAX_ESCAPED * body.prefixLength() : 0));

        put(METHOD);
        string(head.method());
        put(TARGET);
        ByteBuffer target = raw.clear();
        head.putTarget(target);
        byte[] bytes = target.array();
        int targetLength = target.position();
        latin1(bytes, 0, targetLength);
        put(PATH);
        if (head.targetForm() == RequestHead.TargetForm.ORIGIN) {
            // RFC 9112 section 3.2.1: origin-form = absolute-path [ "?" query ]; the path cannot be empty.
            int question = 0;
            while (question < targetLength && bytes[question] != '?') {
                question++;
            }
            latin1(bytes, 0, question);
            put(QUERY);
            if (question < targetLength) {
                latin1(bytes, question + 1, targetLength);
            } else {
                put(NULL);
            }
        } else {
            // Absolute-form and the others are rare in echo (proxies send them); the parser splits them, as Strings.
            string(head.path());
            put(QUERY);
            string(head.query());
        }
        put(head.version() == HttpVersion.HTTP_1_0 ? VERSION_1_0 : VERSION_1_1);
        HeaderFields headers = head.headers();
        for (int i = 0; i < headers.size(); i++) {
            out[length++] = i == 0 ? (byte) '[' : (byte) ',';
            if (i > 0) {
                out[length++] = '[';
            }
            ByteBuffer field = raw.clear();
            headers.putName(i, field);
            latin1(bytes, 0, field.position());
            out[length++] = ',';
            field.clear();
            headers.putValue(i, field);
            latin1(bytes, 0, field.position());
            out[length++] = ']';
        }
        put(BODY_LENGTH);
        number(body == null ? 0 : body.length());
        put(BODY_SHA256);
        if (body == null) {
            put(EMPTY_SHA256);
        } else {
            body.sha256(hash);
            for (byte b : hash) {
                out[length++] = HEX[(b >> 4) & 0xF];
                out[length++] = HEX[b & 0xF];
            }
        }
        put(BODY);
        if (body == null) {
            put(EMPTY_STRING);
        } else if (body.isText()) {
            utf8(body.prefix(), 0, body.prefixLength());
        } else {
            put(NULL);
        }
        ensure(REMOTE_ADDRESS.length + remoteAddress.length + FORM_AUTHORITY.length + NULL.length + 1);
        put(REMOTE_ADDRESS);
        put(remoteAddress);
        authority(head, bytes);
        if (tls != null) {
            ensure(tls.length + 1);
            put(tls);
        }
        out[length++] = '}';
        return output.limit(length).position(0);
    }

    /**
     * The target's form and the authority the request is for (RFC 9112 section 3.2.2: an absolute-form
     * target's own wins over Host). For origin-form, the Host field's value is escaped from the head's bytes;
     * the rare other forms go through {@link RequestHead#authority()}. Room for the member names was ensured.
     */
    private void authority(RequestHead head, byte[] bytes) {
        RequestHead.TargetForm form = head.targetForm();
        switch (form) {
            case ORIGIN -> put(FORM_ORIGIN);
            case ABSOLUTE -> put(FORM_ABSOLUTE);
            case AUTHORITY -> put(FORM_AUTHORITY);
            case ASTERISK -> put(FORM_ASTERISK);
        }
        if (form == RequestHead.TargetForm.ABSOLUTE || form == RequestHead.TargetForm.AUTHORITY) {
            string(head.authority());
            ensure(1);
            return;
        }
        HeaderFields headers = head.headers();
        int host = headers.indexOf(HeaderName.HOST);
        if (host < 0) {
            put(NULL);
            return;
        }
        ByteBuffer value = raw.clear();
        headers.putValue(host, value);
        ensure(MAX_ESCAPED * value.position() + 3);
        latin1(bytes, 0, value.position());
    }

    /**
     * Whether {@code buffer} is the one {@link #render} returns, which the next render overwrites.
     *
     * @param buffer any buffer
     * @return whether it is this renderer's output
     */
    public boolean isOutput(ByteBuffer buffer) {
        return buffer == output;
    }

    /** {@code bytes[from, to)} as a JSON string, each byte one ISO-8859-1 character. Room must have been ensured. */
    private void latin1(byte[] bytes, int from, int to) {
        byte[] o = out;
        int n = length;
        o[n++] = '"';
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b >= 0) {
                byte escape = ESCAPE[b];
                if (escape == 0) {
                    o[n++] = b;
                } else {
                    n = escape(o, n, b, escape);
                }
            } else {
                // U+0080..U+00FF in UTF-8: 110000xx 10xxxxxx.
                int c = b & 0xFF;
                o[n++] = (byte) (0xC0 | (c >> 6));
                o[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        o[n++] = '"';
        length = n;
    }

    /** {@code bytes[from, to)}, well-formed UTF-8, as a JSON string. Room must have been ensured. */
    private void utf8(byte[] bytes, int from, int to) {
        byte[] o = out;
        int n = length;
        o[n++] = '"';
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            byte escape = b >= 0 ? ESCAPE[b] : 0;
            if (escape == 0) {
                o[n++] = b; // ASCII that stands for itself, or part of a multi-byte sequence, copied as it is
            } else {
                n = escape(o, n, b, escape);
            }
        }
        o[n++] = '"';
        length = n;
    }

    private static int escape(byte[] o, int n, byte b, byte escape) {
        o[n++] = '\\';
        o[n++] = escape;
        if (escape == 'u') {
            o[n++] = '0';
            o[n++] = '0';
            o[n++] = HEX[b >> 4];
            o[n++] = HEX[b & 0xF];
        }
        return n;
    }

    /**
     * The {@code "tls"} member echo adds on a TLS connection, leading comma included: {@code protocol},
     * {@code cipherSuite}, {@code sniHost} (the name the client asked for, or null), {@code alpn} (the agreed
     * protocol, or null) and {@code clientCertificate} (the subject of the client's certificate, or null). Built
     * off the plain path: plain connections never call it.
     *
     * @param engine the connection's engine, its handshake done
     * @return the member's UTF-8 bytes
     */
    public static byte[] tlsMember(javax.net.ssl.SSLEngine engine) {
        javax.net.ssl.SSLSession session = engine.getSession();
        String sni = null;
        if (session instanceof javax.net.ssl.ExtendedSSLSession extended) {
            for (javax.net.ssl.SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof javax.net.ssl.SNIHostName host) {
                    sni = host.getAsciiName();
                }
            }
        }
        String alpn = engine.getApplicationProtocol();
        String subject = null;
        try {
            java.security.cert.Certificate[] peer = session.getPeerCertificates();
            if (peer.length > 0 && peer[0] instanceof java.security.cert.X509Certificate certificate) {
                subject = certificate.getSubjectX500Principal().getName();
            }
        } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
            // No client certificate: null.
        }
        return (",\"tls\":{\"protocol\":" + jsonString(session.getProtocol())
                + ",\"cipherSuite\":" + jsonString(session.getCipherSuite())
                + ",\"sniHost\":" + jsonString(sni)
                + ",\"alpn\":" + jsonString(alpn == null || alpn.isEmpty() ? null : alpn)
                + ",\"clientCertificate\":" + jsonString(subject) + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code value} as a JSON string, or {@code null}; for the rare members built off the hot path. */
    private static String jsonString(@Nullable String value) {
        return value == null ? "null" : new String(quote(value), StandardCharsets.UTF_8);
    }

    /**
     * {@code value} as a JSON string, for a caller that writes the same one many times (a connection's remote
     * address): {@link #render} then copies it instead of escaping it again.
     *
     * @param value the text; a lone surrogate becomes U+FFFD
     * @return the quoted, escaped UTF-8 bytes
     */
    public static byte[] quote(String value) {
        byte[] quoted = new byte[value.length() * MAX_ESCAPED + 2];
        return java.util.Arrays.copyOf(quoted, string(quoted, 0, value));
    }

    /**
     * A string from outside the head (the method, the rarely used path and query of other forms) as a JSON
     * string, or {@code null}. Checks its own room.
     */
    private void string(@Nullable String value) {
        if (value == null) {
            ensure(NULL.length);
            put(NULL);
            return;
        }
        ensure(value.length() * MAX_ESCAPED + 2);
        length = string(out, length, value);
    }

    /** Writes {@code value} quoted at {@code o[n]}, which has room for six bytes a char and two; returns the end. */
    private static int string(byte[] o, int n, String value) {
        o[n++] = '"';
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                byte escape = ESCAPE[c];
                if (escape == 0) {
                    o[n++] = (byte) c;
                } else {
                    n = escape(o, n, (byte) c, escape);
                }
            } else if (c < 0x800) {
                o[n++] = (byte) (0xC0 | (c >> 6));
                o[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, value.charAt(++i));
                o[n++] = (byte) (0xF0 | (cp >> 18));
                o[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                o[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                o[n++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                if (Character.isSurrogate(c)) {
                    c = '\uFFFD'; // a lone surrogate cannot be encoded; JSON text must be valid Unicode
                }
                o[n++] = (byte) (0xE0 | (c >> 12));
                o[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                o[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        o[n++] = '"';
        return n;
    }

    /** A non-negative number in decimal, without {@link Long#toString(long)}. */
    private void number(long value) {
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        int at = length + digits;
        length = at;
        long rest = value;
        do {
            out[--at] = (byte) ('0' + (int) (rest % 10));
            rest /= 10;
        } while (rest > 0);
    }

    private void put(byte[] constant) {
        System.arraycopy(constant, 0, out, length, constant.length);
        length += constant.length;
    }

    private void ensure(int more) {
        if (length + more > out.length) {
            byte[] grown = new byte[Math.max(out.length * 2, length + more)];
            System.arraycopy(out, 0, grown, 0, length);
            out = grown;
            output = ByteBuffer.wrap(grown);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
