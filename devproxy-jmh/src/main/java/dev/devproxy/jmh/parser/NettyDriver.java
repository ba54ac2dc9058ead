package dev.devproxy.jmh.parser;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Drives one Netty {@link HttpRequestDecoder}, with its defaults, over a whole buffer of requests, reusing the
 * decoder as a connection would. Two ways to call it:
 *
 * <ul>
 *   <li>{@link #parseDirectly}: calls the decoder's {@code decode(ctx, in, out)} in the loop that
 *       {@code ByteToMessageDecoder.callDecode} runs (decode until a call neither consumes input nor adds
 *       output), then reads and releases each message. The context passed is the decoder's real one, though in
 *       4.2.20 {@code HttpObjectDecoder.decode} never touches it. This is the decoder's own cost and nothing else; it
 *       skips the pipeline plumbing a real channel adds (cumulation checks, {@code fireChannelRead} per
 *       message, the tail handler), much as the DevProxy driver skips its engine.</li>
 *   <li>{@link #parseThroughChannel}: what Netty's own microbenchmarks do. An {@link EmbeddedChannel} holding
 *       the decoder gets a retained duplicate of the input through {@code writeInbound}, and each decoded
 *       message is read back with {@code readInbound} and released. The difference from
 *       {@link #parseDirectly} is the cost of the channel machinery, per buffer and per message.</li>
 * </ul>
 *
 * <p>Either way every message is read as its API hands it out: method, URI, version, every header through
 * {@code iteratorCharSequence()} (the cheapest iteration, no {@code String} conversion of the names Netty keeps
 * as {@code AsciiString}s), and each content slice.
 */
final class NettyDriver implements AutoCloseable {
    /** Exposes the decode step so it can be called without a pipeline around it. */
    private static final class DirectDecoder extends HttpRequestDecoder {
        void decodeNow(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            decode(ctx, in, out);
        }
    }

    private final DirectDecoder decoder = new DirectDecoder();
    /** Hosts the decoder: gives {@link #parseDirectly} a real context and {@link #parseThroughChannel} a pipeline. */
    private final EmbeddedChannel channel = new EmbeddedChannel(decoder);
    private final ChannelHandlerContext context = channel.pipeline().context(decoder);
    private final List<Object> decoded = new ArrayList<>();

    /**
     * Decodes every request in {@code input}, from index 0 to its writer index, by calling the decoder
     * directly.
     *
     * @return the number of complete requests
     * @throws IllegalStateException when the decoder flags a message as failed
     */
    int parseDirectly(ByteBuf input, Sink sink) throws Exception {
        input.readerIndex(0);
        int requests = 0;
        while (input.isReadable()) {
            int before = input.readableBytes();
            decoder.decodeNow(context, input, decoded);
            for (int i = 0; i < decoded.size(); i++) {
                requests += consume(decoded.get(i), sink);
            }
            boolean progressed = !decoded.isEmpty() || input.readableBytes() != before;
            decoded.clear();
            if (!progressed) {
                break; // the decoder needs more bytes
            }
        }
        return requests;
    }

    /**
     * Decodes every request in {@code input}, from index 0 to its writer index, by writing a retained duplicate
     * of it into the channel and reading back every message. {@code input}'s indexes are left as they were.
     *
     * @return the number of complete requests
     * @throws IllegalStateException when the decoder flags a message as failed
     */
    int parseThroughChannel(ByteBuf input, Sink sink) {
        // From index 0: the input is shared with the other variant, which leaves it read to the end.
        channel.writeInbound(input.retainedDuplicate().readerIndex(0));
        int requests = 0;
        Object message;
        while ((message = channel.readInbound()) != null) {
            requests += consume(message, sink);
        }
        return requests;
    }

    /** Reads one decoded message into the sink and releases it; returns 1 when it ended a request. */
    private static int consume(Object message, Sink sink) {
        if (message instanceof HttpObject object && object.decoderResult().isFailure()) {
            throw new IllegalStateException("Netty rejected the input", object.decoderResult().cause());
        }
        if (message instanceof HttpRequest request) {
            sink.method(request.method().name());
            sink.target(request.uri());
            sink.version(request.protocolVersion().text());
            Iterator<Map.Entry<CharSequence, CharSequence>> headers = request.headers().iteratorCharSequence();
            while (headers.hasNext()) {
                Map.Entry<CharSequence, CharSequence> header = headers.next();
                sink.headerName(header.getKey());
                sink.headerValue(header.getValue());
            }
        }
        int ended = 0;
        if (message instanceof HttpContent content) {
            ByteBuf bytes = content.content();
            if (bytes.isReadable()) {
                sink.body(bytes, bytes.readerIndex(), bytes.readableBytes());
            }
            if (content instanceof LastHttpContent) {
                sink.end();
                ended = 1;
            }
            content.release();
        }
        return ended;
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
