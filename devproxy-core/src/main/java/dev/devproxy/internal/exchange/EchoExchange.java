package dev.devproxy.internal.exchange;

import dev.devproxy.RouteKind;
import dev.devproxy.internal.echo.EchoBody;
import dev.devproxy.internal.echo.EchoJson;
import dev.devproxy.parser.RequestHead;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Echo mode: reads the whole body (hashing it, keeping at most 64 KiB + 1 bytes) and answers 200 with a JSON
 * object describing the request. Field values are shown decoded as ISO-8859-1, so every byte survives.
 *
 * <p>The JSON is written only when the request ends, from the head the parser still holds: a head stays valid
 * until the parser reports the next one, and the next one is parsed only after this exchange's
 * {@link #onRequestEnd()} has returned. So nothing of the head is copied while the body streams in, and the
 * whole answer is written in one go into the loop's {@link EchoJson}.
 */
public final class EchoExchange implements Exchange {
    private final ExchangeConnection connection;
    /** The head of the request being answered: the parser alternates between two, so it is set per request. */
    private RequestHead head;
    /** Taken from the loop when the first body byte arrives; a request without a body never needs one. */
    private @Nullable EchoBody body;
    /** The connection's remote address as a JSON string, made on the first echo; it never changes. */
    private byte @Nullable [] remoteAddress;
    /**
     * The connection's TLS facts as the echo's {@code "tls"} member, made on the first echo. They cannot change
     * after it: renegotiation is refused, and a TLS 1.3 key update changes keys, not protocol, suite or peer.
     * Made per request, they cost a session lookup, string building and, with no client certificate, a thrown
     * {@code SSLPeerUnverifiedException}: 6% of the loop's samples in a flight recording of HTTPS keep-alive echo.
     */
    private byte @Nullable [] tlsMember;

    /** An exchange for every echo on {@code connection}, starting with the request whose head is {@code head}. */
    public EchoExchange(ExchangeConnection connection, RequestHead head) {
        this.connection = connection;
        this.head = head;
    }

    /** Readies this exchange for the connection's next request, whose head is {@code next}. */
    public void reset(RequestHead next) {
        head = next;
        body = null; // already given back at the end or abort of the previous request
        connection.setRoute(RouteKind.ECHO);
    }

    @Override
    public boolean onRequestBody(ByteBuffer buffer, int offset, int length) {
        EchoBody collecting = body;
        if (collecting == null) {
            collecting = connection.http().echoJson().takeBody();
            body = collecting;
        }
        collecting.add(buffer, offset, length);
        return true;
    }

    @Override
    public void onRequestEnd() {
        EchoJson json = connection.http().echoJson();
        byte[] remote = remoteAddress;
        if (remote == null) {
            remote = EchoJson.quote(connection.remoteAddress());
            remoteAddress = remote;
        }
        javax.net.ssl.SSLEngine tls = connection.tlsEngine();
        ByteBuffer answer;
        if (tls == null) {
            answer = json.render(head, body, remote);
        } else {
            byte[] facts = tlsMember;
            if (facts == null) {
                facts = EchoJson.tlsMember(tls);
                tlsMember = facts;
            }
            answer = json.render(head, body, remote, facts);
        }
        releaseBody();
        LocalResponseExchange.send(connection, 200, ResponseHeads.CONTENT_TYPE_JSON, answer);
    }

    @Override
    public void abort() {
        releaseBody();
    }

    private void releaseBody() {
        EchoBody used = body;
        body = null;
        if (used != null) {
            connection.http().echoJson().recycle(used);
        }
    }
}
