package dev.devproxy.parser;

/** How a message's body is delimited (RFC 9112 section 6.3), decided from its head. */
public enum BodyKind {
    /** No body: no framing fields on a request, or a response to HEAD, a 1xx, 204 or 304. */
    NONE,
    /** A body of exactly {@code contentLength()} bytes (section 6.3, rule 6). */
    CONTENT_LENGTH,
    /** A chunked body, ended by the zero-size chunk and the trailer section (section 7.1). */
    CHUNKED,
    /** A response body that ends when the connection closes (section 6.3, rule 8). Never a request. */
    UNTIL_CLOSE
}
