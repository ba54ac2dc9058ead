package dev.devproxy.parser;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An incremental HTTP/1.1 request parser: feed it bytes as they arrive, in any split, and it reports each
 * message as {@link ParseStatus#HEAD}, {@link ParseStatus#BODY} runs and {@link ParseStatus#END}, as
 * {@link MessageParser} describes.
 *
 * <pre>{@code
 * RequestParser parser = new RequestParser();
 * switch (parser.parse(buffer)) {            // consumes from buffer.position(); heap or direct
 *     case HEAD -> route(parser.head());     // parser.isMessageComplete(): no body follows
 *     case BODY -> write(parser.bodySlice()); // a read-only view of the run, no copy
 *     case END -> finish();                  // the next call starts the next pipelined request
 *     case NEED_MORE -> readMore();          // everything given was consumed
 *     case ERROR -> reject(parser.error().status());
 * }
 * }</pre>
 *
 * <p>The whole loop, and the rules for the buffer, are on {@link MessageParser}.
 *
 * <p>What is a request's alone: the request line and its target forms (RFC 9112 section 3), Host (section 3.2)
 * and {@code Expect: 100-continue}, codings other than {@code chunked} refused (section 6.1), and the body bounded
 * by {@link ParserLimits#maxBodySize()}. Empty lines before a request line are skipped (RFC 9112 section 2.2), as
 * many as fit in {@link ParserLimits#maxRequestLineLength()}, which they count toward. Not thread-safe: one parser
 * per connection.
 */
public final class RequestParser extends MessageParser<RequestHead> {
    /** A parser with {@link ParserConfig#defaults()}: the default limits and no leniency. */
    public RequestParser() {
        this(ParserConfig.defaults());
    }

    /**
     * A parser with the given limits and leniencies.
     *
     * @param limits the size limits to enforce
     * @param leniencies the deviations from RFC 9112 to tolerate; empty for none
     * @deprecated use {@link #RequestParser(ParserConfig)}, the one config a request and a response parser
     *     share: {@code new RequestParser(new ParserConfig(limits, leniencies))} does the same.
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public RequestParser(ParserLimits limits, Set<Leniency> leniencies) {
        this(new ParserConfig(limits, leniencies));
    }

    /**
     * A parser with the given config; the request body is bounded by its {@link ParserLimits#maxBodySize()}.
     *
     * @param config the limits and leniencies, the same a {@link ResponseParser} may take
     */
    public RequestParser(ParserConfig config) {
        super(HeadScanner.StartLine.REQUEST, config, config.limits().maxBodySize(), new RequestHead(),
                new RequestHead());
    }

    @Override
    int parseStartLine(byte[] bytes, RequestHead head) {
        return RequestLine.parse(bytes, head);
    }

    @Override
    @Nullable ParseError checkHead(RequestHead head) {
        return RequestLine.checkHead(head, framing, maxBodySize);
    }

    @Override
    public RequestHead head() {
        return super.head();
    }

    /**
     * Whether the request line of the head being read has arrived in full, so only field lines are missing.
     * Servers use it to time the request line and the header section separately.
     *
     * @return whether the request line of the head being read is complete
     */
    public boolean hasRequestLine() {
        return hasStartLine();
    }
}
