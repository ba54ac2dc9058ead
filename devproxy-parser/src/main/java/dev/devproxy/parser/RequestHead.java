package dev.devproxy.parser;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The parsed request line and header section of one request, with the framing facts derived from them; the
 * parts every head has are those of {@link MessageHead}.
 *
 * <p>A view over storage the {@link RequestParser} reuses: valid until that parser reports {@link
 * ParseStatus#HEAD} for the next message. The common methods ({@code GET}, {@code POST}, ...) come back as
 * shared constants; other strings are made on each call. Not thread-safe, like its parser.
 */
public final class RequestHead extends MessageHead {
    /** The form of a request-target (RFC 9112 section 3.2). */
    public enum TargetForm {
        /** {@code /path?query}: the usual form (section 3.2.1). */
        ORIGIN,
        /** {@code http://host/path}: sent to proxies (section 3.2.2). */
        ABSOLUTE,
        /** {@code host:port}: only with CONNECT (section 3.2.3). */
        AUTHORITY,
        /** {@code *}: only with OPTIONS (section 3.2.4). */
        ASTERISK
    }

    private static final byte[] SLASH = {'/'};

    // Written by RequestLine; every offset indexes bytes, which holds the head from its request line on.
    /** The method is bytes[0, methodEnd). */
    int methodEnd;
    /** The method as a shared constant when it is one of the registered ones, so method() allocates nothing. */
    @Nullable String knownMethod;
    int targetStart;
    int targetEnd;
    int pathStart;
    int pathEnd;
    /** The index after the {@code ?}, or -1 when the target has no query; the query ends at targetEnd. */
    int queryStart;
    /** The authority of an absolute-form or authority-form target is bytes[authorityStart, authorityEnd); else -1. */
    int authorityStart = -1;
    int authorityEnd = -1;
    TargetForm targetForm = TargetForm.ORIGIN;
    boolean expectsContinue;

    RequestHead() {
    }

    /**
     * The method, such as {@code GET}; case-sensitive (RFC 9110 section 9.1).
     *
     * @return the method token, as sent
     */
    public String method() {
        return knownMethod != null ? knownMethod : latin1(0, methodEnd);
    }

    /**
     * Whether the method is exactly {@code method} (case-sensitive). Allocates nothing.
     *
     * @param method the method to compare with, such as {@code GET}
     * @return whether the request's method equals {@code method} exactly
     */
    public boolean methodIs(String method) {
        return HttpTokens.equalsExactly(bytes, 0, methodEnd, method);
    }

    /**
     * Points {@code view} at the method, as sent. Allocates nothing.
     *
     * @param view the view to point
     * @return {@code view}
     */
    public AsciiView method(AsciiView view) {
        return view.set(bytes, 0, methodEnd);
    }

    /**
     * The request-target exactly as sent.
     *
     * @return the request-target, decoded as ISO-8859-1
     */
    public String target() {
        return latin1(targetStart, targetEnd);
    }

    /**
     * Points {@code view} at the request-target, exactly as sent. Allocates nothing.
     *
     * @param view the view to point
     * @return {@code view}
     */
    public AsciiView target(AsciiView view) {
        return view.set(bytes, targetStart, targetEnd);
    }

    /**
     * The form of the request-target.
     *
     * @return origin, absolute, authority or asterisk form
     */
    public TargetForm targetForm() {
        return targetForm;
    }

    /**
     * The path of the target, not decoded: for origin-form the part before {@code ?}; for absolute-form the
     * path after the authority ({@code /} when empty); {@code *} and the authority for the other forms.
     *
     * @return the path, not decoded
     */
    public String path() {
        if (pathStart == pathEnd) {
            // RFC 9112 section 3.2.1: an absolute-form target with an empty path is sent as "/" in origin-form.
            return "/";
        }
        return latin1(pathStart, pathEnd);
    }

    /**
     * Points {@code view} at the path, as {@link #path()} gives it (so {@code /} for an absolute-form target with
     * an empty path; that {@code /} is not in {@link #storage()}, and the view's offset does not index it).
     * Allocates nothing.
     *
     * @param view the view to point
     * @return {@code view}
     */
    public AsciiView path(AsciiView view) {
        if (pathStart == pathEnd) {
            // RFC 9112 section 3.2.1: an absolute-form target with an empty path is sent as "/" in origin-form.
            return view.set(SLASH, 0, 1);
        }
        return view.set(bytes, pathStart, pathEnd);
    }

    /**
     * Whether the target has a query: a {@code ?}, even with nothing after it.
     *
     * @return whether {@link #query()} is not null
     */
    public boolean hasQuery() {
        return queryStart >= 0;
    }

    /**
     * Points {@code view} at the query without its {@code ?}, not decoded; empty when there is none (tell an
     * empty query from none with {@link #hasQuery()}). Allocates nothing.
     *
     * @param view the view to point
     * @return {@code view}
     */
    public AsciiView query(AsciiView view) {
        return queryStart < 0 ? view.set(bytes, targetEnd, targetEnd) : view.set(bytes, queryStart, targetEnd);
    }

    /**
     * The query of the target without its {@code ?}, not decoded, or null when the target has none.
     *
     * @return the query, not decoded, or null
     */
    public @Nullable String query() {
        return queryStart < 0 ? null : latin1(queryStart, targetEnd);
    }

    /**
     * The authority the request is for ({@code uri-host [ ":" port ]}, RFC 9110 section 7.2): for absolute-form
     * and authority-form, the target's own, which wins over a Host field that differs (RFC 9112 section 3.2.2:
     * "the recipient MUST ignore the received Host header field"); for origin-form and asterisk-form, the Host
     * field's value. Null when there is neither, as in an HTTP/1.0 request without Host.
     *
     * @return the authority as sent, decoded as ISO-8859-1, or null
     */
    public @Nullable String authority() {
        if (authorityStart >= 0) {
            return latin1(authorityStart, authorityEnd);
        }
        return headers.get("Host");
    }

    /**
     * Copies the request-target's bytes into {@code dst} at its position, advancing it.
     *
     * @param dst the buffer to write into
     * @throws java.nio.BufferOverflowException if {@code dst} has fewer than {@link #targetLength()} bytes left
     */
    public void putTarget(ByteBuffer dst) {
        dst.put(bytes, targetStart, targetLength());
    }

    /**
     * The length in bytes of the request-target.
     *
     * @return the request-target's length in bytes
     */
    public int targetLength() {
        return targetEnd - targetStart;
    }

    /**
     * Whether the request carries {@code Expect: 100-continue} (RFC 9110 section 10.1.1). Always false for
     * HTTP/1.0, whose expectation a server "MUST ignore" (same section).
     *
     * @return whether the client waits for {@code 100 Continue} before sending the body
     */
    public boolean expectsContinue() {
        return expectsContinue;
    }

    /** The request line, as in {@code GET /index.html HTTP/1.1}, for debugging. */
    @Override
    public String toString() {
        return method() + ' ' + target() + ' ' + version.text();
    }
}
