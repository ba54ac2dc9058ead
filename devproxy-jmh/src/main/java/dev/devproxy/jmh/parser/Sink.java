package dev.devproxy.jmh.parser;

/**
 * Where a parser driver puts each part of each request, in order: method, target, version, then a name and a
 * value per field line, body runs, then {@link #end()}. Each argument is whatever the parser's API hands out
 * (a {@code String}, a Netty {@code AsciiString}, or a scratch buffer the driver copied the bytes into).
 *
 * <p>Two implementations: {@link BlackholeSink} while measuring, {@link RecordingSink} to check in
 * {@code @Setup} that the same driver code really found every request.
 */
interface Sink {
    /** The request method. */
    void method(Object method);

    /** The request-target. */
    void target(Object target);

    /** The protocol version, such as {@code HTTP/1.1}. */
    void version(Object version);

    /** The name of the next field line. */
    void headerName(Object name);

    /** The value of the field line whose name came last. */
    void headerValue(Object value);

    /**
     * A run of body bytes, transfer coding removed: {@code length} bytes from absolute index {@code offset}
     * of {@code buffer}, a {@link java.nio.ByteBuffer} or a Netty {@link io.netty.buffer.ByteBuf}.
     */
    void body(Object buffer, int offset, int length);

    /** The request is complete. */
    void end();
}
