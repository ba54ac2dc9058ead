package dev.devproxy.jmh.parser;

import dev.devproxy.parser.AsciiView;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.ParseStatus;
import dev.devproxy.parser.RequestHead;
import dev.devproxy.parser.RequestParser;
import java.nio.ByteBuffer;

/**
 * Drives one DevProxy {@link RequestParser}, with default limits and no leniency, over a whole buffer of
 * requests, the way a connection would: one parser reused for every request, one event per call.
 *
 * <p>Three ways to read what it found. {@link #parseCopyingBytes} builds no {@code String}: the method comes back
 * as a shared constant, and the target and every header name and value are copied into a scratch buffer, as a
 * proxy copies them into the request it forwards. {@link #parseToStrings} makes a {@code String} of the target
 * and of every name and value, which is what Netty and Jetty always do. {@link #parseToViews} copies nothing:
 * it points {@link AsciiView}s at the method, target and every name and value and hands those over, as a router
 * that compares a few of them would. Body runs are reported without a copy in all three: as offsets into the
 * input, or (views) as the parser's {@code bodySlice()}, as Netty and Jetty report theirs as slices.
 */
final class DevProxyDriver {
    private final RequestParser parser = new RequestParser();
    /** Large enough for any field line the default limits accept (8192 bytes). */
    private final ByteBuffer scratch = ByteBuffer.allocate(16 * 1024);
    private final AsciiView method = new AsciiView();
    private final AsciiView target = new AsciiView();
    private final AsciiView name = new AsciiView();
    private final AsciiView value = new AsciiView();

    /**
     * Parses every request in {@code input}, from index 0 to its limit, copying each part into the scratch
     * buffer before handing that to the sink.
     *
     * @return the number of complete requests
     * @throws IllegalStateException when the parser rejects the input or it ends inside a request
     */
    int parseCopyingBytes(ByteBuffer input, Sink sink) {
        input.rewind();
        int requests = 0;
        while (true) {
            ParseStatus status = parser.parse(input);
            switch (status) {
                case HEAD -> {
                    RequestHead head = parser.head();
                    sink.method(head.method());
                    scratch.clear();
                    head.putTarget(scratch);
                    sink.target(scratch);
                    sink.version(head.version().text());
                    HeaderFields headers = head.headers();
                    for (int i = 0; i < headers.size(); i++) {
                        scratch.clear();
                        headers.putName(i, scratch);
                        sink.headerName(scratch);
                        scratch.clear();
                        headers.putValue(i, scratch);
                        sink.headerValue(scratch);
                    }
                }
                case BODY -> sink.body(input, parser.bodyOffset(), parser.bodyLength());
                case END -> {
                    requests++;
                    sink.end();
                    if (!input.hasRemaining()) {
                        return requests;
                    }
                }
                case NEED_MORE -> throw new IllegalStateException("the input ends inside request " + (requests + 1));
                case ERROR -> throw new IllegalStateException("DevProxy rejected request " + (requests + 1) + ": "
                        + parser.error());
            }
        }
    }

    /**
     * Parses every request in {@code input}, from index 0 to its limit, making a {@code String} of the method,
     * the target and every header name and value.
     *
     * @return the number of complete requests
     * @throws IllegalStateException when the parser rejects the input or it ends inside a request
     */
    int parseToStrings(ByteBuffer input, Sink sink) {
        input.rewind();
        int requests = 0;
        while (true) {
            ParseStatus status = parser.parse(input);
            switch (status) {
                case HEAD -> {
                    RequestHead head = parser.head();
                    sink.method(head.method());
                    sink.target(head.target());
                    sink.version(head.version().text());
                    HeaderFields headers = head.headers();
                    for (int i = 0; i < headers.size(); i++) {
                        sink.headerName(headers.name(i));
                        sink.headerValue(headers.value(i));
                    }
                }
                case BODY -> sink.body(input, parser.bodyOffset(), parser.bodyLength());
                case END -> {
                    requests++;
                    sink.end();
                    if (!input.hasRemaining()) {
                        return requests;
                    }
                }
                case NEED_MORE -> throw new IllegalStateException("the input ends inside request " + (requests + 1));
                case ERROR -> throw new IllegalStateException("DevProxy rejected request " + (requests + 1) + ": "
                        + parser.error());
            }
        }
    }

    /**
     * Parses every request in {@code input}, from index 0 to its limit, handing the sink views of the method,
     * the target and every header name and value, and each body run as the parser's read-only slice. Allocates
     * nothing.
     *
     * @return the number of complete requests
     * @throws IllegalStateException when the parser rejects the input or it ends inside a request
     */
    int parseToViews(ByteBuffer input, Sink sink) {
        input.rewind();
        int requests = 0;
        while (true) {
            ParseStatus status = parser.parse(input);
            switch (status) {
                case HEAD -> {
                    RequestHead head = parser.head();
                    sink.method(head.method(method));
                    sink.target(head.target(target));
                    sink.version(head.version().text());
                    HeaderFields headers = head.headers();
                    for (int i = 0; i < headers.size(); i++) {
                        sink.headerName(headers.name(i, name));
                        sink.headerValue(headers.value(i, value));
                    }
                }
                case BODY -> {
                    ByteBuffer run = parser.bodySlice();
                    sink.body(run, run.position(), run.remaining());
                }
                case END -> {
                    requests++;
                    sink.end();
                    if (!input.hasRemaining()) {
                        return requests;
                    }
                }
                case NEED_MORE -> throw new IllegalStateException("the input ends inside request " + (requests + 1));
                case ERROR -> throw new IllegalStateException("DevProxy rejected request " + (requests + 1) + ": "
                        + parser.error());
            }
        }
    }
}
