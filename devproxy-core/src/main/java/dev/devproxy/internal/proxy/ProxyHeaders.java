package dev.devproxy.internal.proxy;

import dev.devproxy.Upstream;
import dev.devproxy.internal.exchange.HttpDate;
import dev.devproxy.internal.exchange.ResponseHeads;
import dev.devproxy.parser.BodyKind;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.RequestHead;
import dev.devproxy.parser.ResponseHead;
import dev.devproxy.parser.HttpVersion;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Rewrites heads as they cross the proxy (RFC 9110 section 7.6): hop-by-hop fields are dropped, framing
 * fields are regenerated from what the parser decided, and the forwarding fields are appended to.
 */
final class ProxyHeaders {
    /** The {@code Via} entry this proxy adds (RFC 9110 section 7.6.3). */
    static final String VIA = "1.1 devproxy";

    /**
     * Fields never copied as they are. Connection-specific ones (RFC 9110 section 7.6.1, plus the de-facto
     * Proxy-Connection and Keep-Alive), framing ones that are regenerated (Content-Length, Transfer-Encoding),
     * Host (replaced), Expect (the proxy answers 100-continue itself), and the forwarding fields, which are
     * written once with this hop appended.
     */
    private static final String[] REQUEST_DROPPED = {
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authorization", "host", "content-length", "expect", "x-forwarded-for", "x-forwarded-proto",
        "x-forwarded-host", "via"
    };
    private static final String[] RESPONSE_DROPPED = {
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "content-length", "via"
    };

    /**
     * The protocols an {@code Upgrade} may switch to through this proxy. WebSocket (RFC 6455) only: {@code h2c}
     * never, since this proxy speaks HTTP/1.1 to both sides (RFC 9113 section 3.1 removed h2c upgrades anyway).
     */
    static final String WEBSOCKET = "websocket";

    private ProxyHeaders() {
    }

    /**
     * The protocol {@code head} asks to upgrade to when it may be passed on: {@code Upgrade} lists websocket,
     * {@code Connection} lists {@code upgrade} (RFC 9110 section 7.8), the request is HTTP/1.1 and has
     * no body (none, or a Content-Length of 0); otherwise null,
     * and Upgrade is dropped as any hop-by-hop field is. Allocates nothing for a request without Upgrade.
     */
    static @Nullable String upgradeRequested(RequestHead head) {
        HeaderFields fields = head.headers();
        int upgrade = fields.indexOf("upgrade", 0);
        boolean bodiless = head.bodyKind() == BodyKind.NONE
                || (head.bodyKind() == BodyKind.CONTENT_LENGTH && head.contentLength() == 0); // as the JDK sends
        if (upgrade < 0 || !bodiless || head.version() != HttpVersion.HTTP_1_1
                || !fields.valueHasToken(upgrade, WEBSOCKET)) {
            return null;
        }
        for (int i = fields.indexOf("connection", 0); i >= 0; i = fields.indexOf("connection", i + 1)) {
            if (fields.valueHasToken(i, "upgrade")) {
                return WEBSOCKET;
            }
        }
        return null;
    }

    /** Whether a {@code 101} switches to {@code protocol}, as the request asked (RFC 9110 section 15.2.2). */
    static boolean switchesTo(ResponseHead head, String protocol) {
        HeaderFields fields = head.headers();
        for (int i = fields.indexOf("upgrade", 0); i >= 0; i = fields.indexOf("upgrade", i + 1)) {
            if (fields.valueHasToken(i, protocol)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The head of an interim (1xx) or {@code 101} response for the client: status line, end-to-end fields, Via,
     * and for a {@code 101} the {@code Upgrade} it names with {@code Connection: Upgrade}.
     */
    static ByteBuffer interim(ResponseHead head, @Nullable String upgrade) {
        HeaderFields fields = head.headers();
        String via = appended(fields, "via", VIA);
        ByteBuffer out = ByteBuffer.allocate(head.headLength() + via.length() + 128);
        ResponseHeads.putLatin1(out, "HTTP/1.1 ");
        ResponseHeads.putDecimal(out, head.status());
        out.put((byte) ' ');
        ResponseHeads.putLatin1(out, head.reason());
        out.put((byte) '\r').put((byte) '\n');
        copyEndToEnd(fields, RESPONSE_DROPPED, out);
        ResponseHeads.field(out, "Via", via);
        if (upgrade != null) {
            ResponseHeads.field(out, "Connection", "Upgrade");
            ResponseHeads.field(out, "Upgrade", upgrade);
        }
        ResponseHeads.endOfHead(out);
        return out.flip();
    }

    /**
     * The head to send upstream: {@code method target HTTP/1.1}, Host, end-to-end fields in order, the
     * forwarding fields, and the framing of the body as the client sent it.
     */
    static ByteBuffer request(RequestHead head, String target, Upstream upstream, String clientIp) {
        return request(head, target, upstream, clientIp, null, false);
    }

    /**
     * As {@link #request(RequestHead, String, Upstream, String)}, with {@code Connection: Upgrade} and
     * {@code Upgrade: upgrade} when {@code upgrade} is not null (a WebSocket handshake passed on), for a client
     * that came over TLS when {@code tls} ({@code X-Forwarded-Proto: https}).
     */
    static ByteBuffer request(RequestHead head, String target, Upstream upstream, String clientIp,
            @Nullable String upgrade, boolean tls) {
        HeaderFields fields = head.headers();
        // Each forwarding field is usually absent, and then its value is this hop's alone: appended() returns
        // the string it was given, and the Host value is copied as bytes, so the common request makes no
        // String here.
        String forwardedFor = appended(fields, "x-forwarded-for", clientIp);
        String forwardedProto = appended(fields, "x-forwarded-proto", tls ? "https" : "http");
        int hostIndex = fields.indexOf("host", 0);
        String forwardedHost;
        if (head.targetForm() == RequestHead.TargetForm.ABSOLUTE) {
            // RFC 9112 section 3.2.2: the target's authority is the host the client asked for, whatever Host says.
            forwardedHost = appended(fields, "x-forwarded-host", Objects.requireNonNull(head.authority()));
        } else {
            forwardedHost = hostIndex < 0 || fields.indexOf("x-forwarded-host", 0) < 0
                    ? null : appended(fields, "x-forwarded-host", fields.value(hostIndex));
        }
        String via = appended(fields, "via", VIA);
        int size = head.headLength() + target.length() + upstream.host().length() + forwardedFor.length()
                + forwardedProto.length() + via.length() + (hostIndex < 0 ? 0 : fields.valueLength(hostIndex))
                + (forwardedHost == null ? 0 : forwardedHost.length()) + 256;
        ByteBuffer out = ByteBuffer.allocate(size);
        ResponseHeads.putLatin1(out, head.method());
        out.put((byte) ' ');
        ResponseHeads.putLatin1(out, target);
        out.put(HTTP_1_1_CRLF);
        putHost(out, upstream);
        copyEndToEnd(fields, REQUEST_DROPPED, out);
        ResponseHeads.field(out, "X-Forwarded-For", forwardedFor);
        ResponseHeads.field(out, "X-Forwarded-Proto", forwardedProto);
        if (forwardedHost != null) {
            ResponseHeads.field(out, "X-Forwarded-Host", forwardedHost);
        } else if (hostIndex >= 0) {
            out.put(X_FORWARDED_HOST);
            fields.putValue(hostIndex, out);
            out.put((byte) '\r').put((byte) '\n');
        }
        ResponseHeads.field(out, "Via", via);
        if (upgrade != null) {
            ResponseHeads.field(out, "Connection", "Upgrade");
            ResponseHeads.field(out, "Upgrade", upgrade);
        }
        if (head.bodyKind() == BodyKind.CHUNKED) {
            ResponseHeads.field(out, "Transfer-Encoding", "chunked");
        } else if (head.bodyKind() == BodyKind.CONTENT_LENGTH) {
            ResponseHeads.contentLength(out, head.contentLength());
        }
        ResponseHeads.endOfHead(out);
        return out.flip();
    }

    private static final byte[] HTTP_1_1_CRLF = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOST = "Host: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] X_FORWARDED_HOST = "X-Forwarded-Host: ".getBytes(StandardCharsets.US_ASCII);

    /** {@code Host: } and {@link Upstream#authority()}, written as bytes: that method builds a String per call. */
    private static void putHost(ByteBuffer out, Upstream upstream) {
        out.put(HOST);
        String host = upstream.host();
        boolean ipv6 = host.indexOf(':') >= 0;
        if (ipv6) {
            out.put((byte) '[');
        }
        ResponseHeads.putLatin1(out, host);
        if (ipv6) {
            out.put((byte) ']');
        }
        out.put((byte) ':');
        ResponseHeads.putDecimal(out, upstream.port());
        out.put((byte) '\r').put((byte) '\n');
    }

    /**
     * The head to send the client: the upstream's status and end-to-end fields, Via appended, and the
     * framing this proxy will use.
     *
     * @param clientFraming how the body goes to the client: CONTENT_LENGTH, CHUNKED, UNTIL_CLOSE or NONE
     * @param keepAlive whether the client connection stays open after this response
     * @param announceKeepAlive whether to say {@code Connection: keep-alive} (for HTTP/1.0 clients)
     */
    static ByteBuffer response(ResponseHead head, BodyKind clientFraming, boolean keepAlive, boolean announceKeepAlive,
            HttpDate date) {
        HeaderFields fields = head.headers();
        String via = appended(fields, "via", VIA);
        ByteBuffer out = ByteBuffer.allocate(head.headLength() + via.length() + 128);
        ResponseHeads.putLatin1(out, "HTTP/1.1 ");
        ResponseHeads.putDecimal(out, head.status());
        out.put((byte) ' ');
        ResponseHeads.putLatin1(out, head.reason());
        out.put((byte) '\r').put((byte) '\n');
        boolean bodiless = clientFraming == BodyKind.NONE;
        boolean hasDate = fields.contains("date");
        for (int i = 0; i < fields.size(); i++) {
            // Responses without a body (HEAD, 304) keep their framing fields: they describe what a GET would get.
            if (bodiless && (fields.nameEquals(i, "content-length") || fields.nameEquals(i, "transfer-encoding"))) {
                copyField(fields, i, out);
            }
        }
        copyEndToEnd(fields, RESPONSE_DROPPED, out);
        if (!hasDate) {
            ResponseHeads.date(out, date);
        }
        ResponseHeads.field(out, "Via", via);
        if (clientFraming == BodyKind.CHUNKED) {
            ResponseHeads.field(out, "Transfer-Encoding", codingsThenChunked(fields));
        } else if (clientFraming == BodyKind.CONTENT_LENGTH) {
            ResponseHeads.contentLength(out, head.contentLength());
        }
        ResponseHeads.connection(out, keepAlive && clientFraming != BodyKind.UNTIL_CLOSE, announceKeepAlive);
        ResponseHeads.endOfHead(out);
        return out.flip();
    }

    /**
     * The Transfer-Encoding for a body this proxy chunks: the upstream's other codings (such as {@code gzip},
     * which the client must still undo) followed by {@code chunked}, applied once (RFC 9112 section 6.1).
     */
    private static String codingsThenChunked(HeaderFields fields) {
        StringBuilder codings = new StringBuilder();
        for (int i = fields.indexOf("transfer-encoding", 0); i >= 0; i = fields.indexOf("transfer-encoding", i + 1)) {
            for (String coding : fields.value(i).split(",")) {
                String trimmed = coding.trim();
                if (!trimmed.isEmpty() && !trimmed.equalsIgnoreCase("chunked")) {
                    codings.append(trimmed).append(", ");
                }
            }
        }
        return codings.append("chunked").toString();
    }

    /** Writes trailer fields (already validated by the parser) and the final CRLF of a chunked body. */
    static ByteBuffer lastChunk(HeaderFields trailers) {
        int size = 7;
        for (int i = 0; i < trailers.size(); i++) {
            size += trailers.nameLength(i) + trailers.valueLength(i) + 4;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) '0').put((byte) '\r').put((byte) '\n');
        for (int i = 0; i < trailers.size(); i++) {
            copyField(trailers, i, out);
        }
        ResponseHeads.endOfHead(out);
        return out.flip();
    }

    private static void copyEndToEnd(HeaderFields fields, String[] dropped, ByteBuffer out) {
        boolean namesOthers = connectionNamesOtherFields(fields);
        for (int i = 0; i < fields.size(); i++) {
            if (isDropped(fields, i, dropped)) {
                continue;
            }
            // Only "close" can be named by a Connection field that says just close or keep-alive (a field
            // named keep-alive is dropped above), so the full check is needed for that name alone.
            if ((namesOthers || fields.nameEquals(i, "close")) && isNamedByConnection(fields, i)) {
                continue;
            }
            copyField(fields, i, out);
        }
    }

    /**
     * Whether some Connection field is other than exactly {@code keep-alive}, {@code close} or empty. Those
     * are what nearly every head carries, and checking each field against them would cost a scan of the
     * fields and a String per field, for every request and response.
     */
    private static boolean connectionNamesOtherFields(HeaderFields fields) {
        for (int i = fields.indexOf("connection", 0); i >= 0; i = fields.indexOf("connection", i + 1)) {
            int length = fields.valueLength(i);
            // A value of the token's length that lists the token is that token alone.
            boolean plain = length == 0 || (length == 10 && fields.valueHasToken(i, "keep-alive"))
                    || (length == 5 && fields.valueHasToken(i, "close"));
            if (!plain) {
                return true;
            }
        }
        return false;
    }

    private static void copyField(HeaderFields fields, int index, ByteBuffer out) {
        fields.putName(index, out);
        out.put((byte) ':').put((byte) ' ');
        fields.putValue(index, out);
        out.put((byte) '\r').put((byte) '\n');
    }

    private static boolean isDropped(HeaderFields fields, int index, String[] dropped) {
        for (String name : dropped) {
            if (fields.nameEquals(index, name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a Connection field lists this field's name: it is then hop-by-hop (RFC 9110 section 7.6.1). */
    private static boolean isNamedByConnection(HeaderFields fields, int index) {
        String name = null;
        for (int i = fields.indexOf("connection", 0); i >= 0; i = fields.indexOf("connection", i + 1)) {
            if (name == null) {
                name = fields.name(index);
            }
            if (fields.valueHasToken(i, name)) {
                return true;
            }
        }
        return false;
    }

    /** Every value of the named field joined with {@code ", "}, then {@code hop}. */
    private static String appended(HeaderFields fields, String name, String hop) {
        int first = fields.indexOf(name, 0);
        if (first < 0) {
            return hop;
        }
        StringBuilder joined = new StringBuilder();
        for (int i = first; i >= 0; i = fields.indexOf(name, i + 1)) {
            String value = fields.value(i);
            if (!value.isEmpty()) {
                joined.append(value).append(", ");
            }
        }
        return joined.append(hop).toString();
    }
}
