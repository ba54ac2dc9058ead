package dev.devproxy.jmh.parser;

import dev.devproxy.jmh.parser.ParsedRequest.Header;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Rebuilds the requests a driver reported, as {@link ParsedRequest}s, so {@code @Setup} can compare them with
 * the expected ones. Slow on purpose (copies everything); never used while measuring.
 */
final class RecordingSink implements Sink {
    private final List<ParsedRequest> requests = new ArrayList<>();
    private @Nullable String method;
    private @Nullable String target;
    private @Nullable String version;
    private @Nullable String pendingName;
    private final List<Header> headers = new ArrayList<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    /** The complete requests reported so far. */
    List<ParsedRequest> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void method(Object method) {
        if (this.method != null) {
            throw new IllegalStateException("a second request line before the end of the request " + this.method);
        }
        this.method = text(method);
    }

    @Override
    public void target(Object target) {
        this.target = text(target);
    }

    @Override
    public void version(Object version) {
        this.version = text(version);
    }

    @Override
    public void headerName(Object name) {
        if (pendingName != null) {
            throw new IllegalStateException("header name " + pendingName + " came without a value");
        }
        pendingName = text(name);
    }

    @Override
    public void headerValue(Object value) {
        if (pendingName == null) {
            throw new IllegalStateException("a header value came without a name");
        }
        headers.add(new Header(pendingName, text(value)));
        pendingName = null;
    }

    @Override
    public void body(Object buffer, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (buffer instanceof ByteBuffer bytes) {
                body.write(bytes.get(i));
            } else if (buffer instanceof ByteBuf bytes) {
                body.write(bytes.getByte(i));
            } else {
                throw new IllegalArgumentException("unexpected body type " + buffer.getClass().getName());
            }
        }
    }

    @Override
    public void end() {
        if (method == null || target == null || version == null || pendingName != null) {
            throw new IllegalStateException("request ended before its request line and headers were complete");
        }
        requests.add(new ParsedRequest(method, target, version, headers, body.toByteArray()));
        method = null;
        target = null;
        version = null;
        headers.clear();
        body.reset();
    }

    /**
     * A part as text: a {@code CharSequence} as is; a scratch {@link ByteBuffer} as its bytes from 0 to its
     * position, which is how the copying DevProxy driver hands them over.
     */
    private static String text(Object part) {
        if (part instanceof CharSequence chars) {
            return chars.toString();
        }
        if (part instanceof ByteBuffer scratch) {
            return new String(scratch.array(), scratch.arrayOffset(), scratch.position(), StandardCharsets.ISO_8859_1);
        }
        throw new IllegalArgumentException("unexpected part type " + part.getClass().getName());
    }
}
