package dev.devproxy.internal.exchange;

import dev.devproxy.ErrorKind;
import dev.devproxy.Route;
import dev.devproxy.RouteKind;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.RequestHead;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link Exchange} may ask of the client connection it runs on: the whole contract between the two.
 * The connection calls the exchange (see {@link Exchange}); the exchange answers only through these methods.
 * Loop thread only. Every exchange ends in exactly one of {@link #responseComplete}, {@link #fail},
 * {@link #closeWithoutResponse}, {@link #closeWithoutResponseAfterFlush} or {@link #abandon}, and the
 * connection records the outcome there (its request outcome).
 */
public interface ExchangeConnection extends BodySink {
    // ---- Where it runs -------------------------------------------------------------------------------------

    /** The loop's HTTP state: scratch buffer, date, upstream pool, echo writer. */
    HttpLoopState http();

    /** The TLS engine of the connection, for the facts of its handshake; null on a plain connection. */
    default javax.net.ssl.@Nullable SSLEngine tlsEngine() {
        return null;
    }

    /**
     * {@code https://host:port} when the connection speaks for an intercepted CONNECT, whose requests' origin-form
     * targets stand for URIs there; null otherwise.
     */
    default @Nullable String interceptedOrigin() {
        return null;
    }

    /** The server's settings, router, metrics and logging. */
    ServerContext context();

    // ---- The request ---------------------------------------------------------------------------------------

    /** The client's address as {@code host:port}, for logs and echo. */
    String remoteAddress();

    /** The client's IP address, for {@code X-Forwarded-For}. */
    String remoteHost();

    /** Says what answers the request, for the metrics, journal and access log. */
    void setRoute(RouteKind kind);

    /** Whether a parse pass is under way: body bytes already read may still be handed to the exchange in it. */
    boolean isParsing();

    /** Lets an exchange that returned false from {@link Exchange#onRequestBody} take more body. */
    void resumeReading();

    /** The trailer fields of the request, once its body has ended. */
    HeaderFields trailers();

    // ---- The response --------------------------------------------------------------------------------------

    /** Starts a response head in the loop's scratch buffer with its status line; fields follow. */
    ByteBuffer startHead(int status);

    /** Ends a head begun with {@link #startHead}: Content-Length, Connection and Date, then the empty line. */
    void endHead(ByteBuffer head, long contentLength);

    /** Sends a whole response built in memory, head from {@link #startHead}, and ends the exchange. */
    void sendBuffered(ByteBuffer head, ByteBuffer body, int status);

    /**
     * Writes what was queued with {@link #send}; when bytes stay behind, the exchange hears
     * {@link Exchange#onClientDrained()} once they have left.
     *
     * @return true when nothing is left queued
     */
    boolean flushResponse();

    /** Whether response bytes are queued and not yet written. */
    boolean hasPendingWrites();

    /** Whether the connection stays open after the current response, as its head must say. */
    boolean willKeepAlive();

    /** Whether a persistent response must say {@code Connection: keep-alive} (to an HTTP/1.0 client). */
    boolean announcesKeepAlive();

    /** Makes the current response the connection's last, as a close-delimited body requires. */
    void closeAfterResponse();

    // ---- Ending the exchange -------------------------------------------------------------------------------

    /** The exchange has handed over its whole response: record it and move on to the next request. */
    void responseComplete(int status);

    /**
     * The whole response is queued, not yet flushed: records the request's outcome now, so that a client
     * holding its last byte finds the request counted and journalled. {@link #responseComplete} must still
     * follow; it then records nothing more.
     */
    void responseQueued(int status);

    /** The router answered with {@code response}; the request's record notes what it needs of it. */
    void respondWith(dev.devproxy.Response response);

    /**
     * Answers with an error in DevProxy's plain-text format and closes the connection after it.
     *
     * @param kind counted in the error metrics when not null (a router's deliberate rejection is not an error)
     * @param warning logged (rate-limited) at WARNING when not null
     */
    void fail(int status, @Nullable ErrorKind kind, @Nullable String warning);

    /** Drops the connection without a response, for simulated faults: reset when {@code reset}; recorded as 0. */
    void closeWithoutResponse(boolean reset);

    /** Ends the request without a proper response once what was written is flushed, for faults; recorded as 0. */
    void closeWithoutResponseAfterFlush();

    /** Cuts the connection off mid-response (an upstream broke after its head): flushes what was relayed, closes. */
    void abandon();

    // ---- Becoming a tunnel --------------------------------------------------------------------------------

    /**
     * The response just queued ({@code 200} to CONNECT, {@code 101} to an upgrade) makes this connection a byte
     * tunnel: the request is recorded as answered with {@code status}, and from now on the current exchange
     * (installed with {@link #replaceExchange} first) gets every byte the client sends through
     * {@link Exchange#onRequestBody}, bytes already read included, and the client's half-close through
     * {@link Exchange#onRequestEnd}. Only an exchange holding proof may call this: a connected CONNECT upstream,
     * or a {@code 101} naming the protocol asked for.
     */
    void becomeTunnel(int status);

    /** Bytes crossed the tunnel: its idle deadline starts again. */
    void tunnelActive();

    /** The other side of the tunnel ended: once its bytes are written, half-close towards the client. */
    void shutdownOutput();

    /** Both sides of the tunnel are done, or one failed: close the connection. */
    void endTunnel();

    // ---- Choosing the exchange -----------------------------------------------------------------------------

    /**
     * The exchange that carries out {@code route} for the request whose head is {@code head}, or null when the
     * request was answered (and the connection failed) at once; for an exchange that decides, after the body,
     * who answers. The caller installs it with {@link #replaceExchange}.
     */
    @Nullable Exchange exchangeFor(Route route, RequestHead head);

    /** Replaces the current exchange, for an exchange that decided, after the body, who answers. */
    void replaceExchange(Exchange next);
}
