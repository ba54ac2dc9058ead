package dev.devproxy.parser;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An incremental HTTP/1.1 response parser, the mirror of {@link RequestParser}, for clients and proxies that
 * must frame what a server sends; the events and their contract are {@link MessageParser}'s.
 *
 * <p>Framing follows RFC 9112 section 6.3: a response to HEAD (see {@link #expectResponseToHead}), a 1xx,
 * 204 or 304 has no body; then chunked; then Content-Length; otherwise the body runs until the connection
 * closes, and {@link #endOfInput()} ends it. A 1xx response is reported as HEAD then END, and the final
 * response to the same request follows. After a {@code 101 (Switching Protocols)} the connection speaks
 * another protocol: stop feeding this parser. Not thread-safe: one parser per connection.
 *
 * <p>The head limits are the same as for requests; the body is bounded by
 * {@link ParserLimits#maxResponseBodySize()}, which by default is no bound. Strictness differs from requests in
 * two places. A status line without the SP and reason phrase ({@code HTTP/1.1 200}) is accepted, since servers
 * send it and it cannot move the end of the message. Codings before {@code chunked} are accepted without being
 * understood: they are content the client decodes. Host rules do not apply, and empty lines before the status
 * line are not skipped.
 */
public final class ResponseParser extends MessageParser<ResponseHead> {
    private boolean toHeadRequest;

    /** A parser with {@link ParserConfig#defaults()}: the default head limits, no body limit, no leniency. */
    public ResponseParser() {
        this(ParserConfig.defaults());
    }

    /**
     * A parser with the given limits and leniencies, whose response body is bounded by
     * {@link ParserLimits#maxBodySize()}, as before responses had a limit of their own.
     *
     * @param limits the size limits to enforce; {@code maxBodySize} bounds the response body
     * @param leniencies the deviations from RFC 9112 to tolerate; empty for none
     * @deprecated use {@link #ResponseParser(ParserConfig)}, the one config a request and a response parser
     *     share, where {@link ParserLimits#maxResponseBodySize()} bounds the response body: {@code new
     *     ResponseParser(new ParserConfig(limits.withMaxResponseBodySize(limits.maxBodySize()), leniencies))}
     *     does the same as this.
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public ResponseParser(ParserLimits limits, Set<Leniency> leniencies) {
        this(new ParserConfig(limits.withMaxResponseBodySize(limits.maxBodySize()), leniencies));
    }

    /**
     * A parser with the given config; the response body is bounded by its
     * {@link ParserLimits#maxResponseBodySize()}.
     *
     * @param config the limits and leniencies, the same a {@link RequestParser} may take
     */
    public ResponseParser(ParserConfig config) {
        super(HeadScanner.StartLine.STATUS, config, config.limits().maxResponseBodySize(), new ResponseHead(),
                new ResponseHead());
    }

    /**
     * Declares whether the next response answers a HEAD request, which has no body whatever its head says
     * (RFC 9112 section 6.3, rule 1). Call it before that response's first byte; it holds for one final
     * response, through any 1xx responses before it.
     *
     * @param headRequest true when the request being answered is a HEAD request
     */
    public void expectResponseToHead(boolean headRequest) {
        toHeadRequest = headRequest;
    }

    @Override
    int parseStartLine(byte[] bytes, ResponseHead head) {
        return StatusLine.parse(bytes, head);
    }

    @Override
    @Nullable ParseError checkHead(ResponseHead head) {
        return StatusLine.checkHead(head, toHeadRequest, framing, maxBodySize);
    }

    @Override
    void messageEnded(ResponseHead head) {
        // RFC 9110 section 15.2: a 1xx is interim; the final response to the same request is still to come.
        if (head.status >= 200) {
            toHeadRequest = false;
        }
    }

    @Override
    public ResponseHead head() {
        return super.head();
    }

    /** Forgets all state, errors included, to parse a new stream; {@link #expectResponseToHead} is cleared too. */
    @Override
    public void reset() {
        super.reset();
        toHeadRequest = false;
    }
}
