package dev.devproxy;

/**
 * What a {@link Router} decides for one request. Create them with the static methods; the records are public
 * so that routers and tests can inspect a decision.
 */
public sealed interface Route
        permits Route.Echo, Route.Forward, Route.Respond, Route.Metrics, Route.Reject, Route.Pass, Route.AfterBody {

    /**
     * Answer 200 with a JSON description of the request (the body is read in full first).
     *
     * @return the echo route
     */
    static Route echo() {
        return Echo.INSTANCE;
    }

    /**
     * Forward the request to {@code upstream} with the request-target replaced by {@code target}, and stream the
     * response back.
     *
     * @param upstream where to send the request
     * @param target an origin-form target such as {@code /api/users?x=1}
     * @return a forward route
     * @throws IllegalArgumentException when the target does not start with {@code /} or has spaces or controls
     */
    static Route forward(Upstream upstream, String target) {
        return new Forward(upstream, target);
    }

    /**
     * Answer with this response (the request body is read and discarded first).
     *
     * @param response the response to answer with
     * @return a route answering {@code response}
     */
    static Route respond(Response response) {
        return new Respond(response);
    }

    /**
     * Answer with {@code response.build()}, so that the stub builders of {@code dev.devproxy.stub.Responses}
     * can be passed as they are: {@code Route.respond(Responses.text(200, "ok"))}.
     *
     * @param response the builder of the response to answer with; built once, now
     * @return a route answering the built response
     */
    static Route respond(Response.Builder response) {
        return new Respond(response.build());
    }

    /**
     * Answer with the built-in metrics in Prometheus text format.
     *
     * @return the metrics route
     */
    static Route metrics() {
        return Metrics.INSTANCE;
    }

    /**
     * Answer with an error response in DevProxy's error format and close the connection.
     *
     * @param status 400 to 599
     * @return a reject route
     * @throws IllegalArgumentException when {@code status} is not 400 to 599
     */
    static Route reject(int status) {
        return new Reject(status);
    }

    /**
     * Not decided here: the next router of a chain built with {@link Router#orElse} decides.
     *
     * @return the pass route
     */
    static Route pass() {
        return Pass.INSTANCE;
    }

    /**
     * Read the body first, then decide from the request; the chosen route then runs as if it had been chosen at
     * once, with the body replayed (a forwarded chunked body goes on chunked). The body is held in memory, up to
     * {@link DevProxy.Builder#maxMatchBodySize(long) maxMatchBodySize} (default 16 MiB), so use this only where the
     * decision needs the body, such as stubs that match on it. A longer body is decided as soon as that many
     * bytes are held: {@code decide} then sees a request whose {@link RecordedRequest#body()} is those first bytes,
     * whose {@link RecordedRequest#bodyTruncated()} is true and whose {@link RecordedRequest#bodyLength()} counts
     * the bytes received so far; the chosen route gets the held bytes and then the rest of the body as it
     * streams, so a forward still sends the whole body. {@code decide} runs on an event-loop thread, must not
     * block, and must not answer {@code afterBody} again; {@link Route#pass()} from it is answered 404.
     *
     * @param decide chooses the route from the request with its body, or its first bytes
     * @return a route that reads the body before deciding
     */
    static Route afterBody(java.util.function.Function<RecordedRequest, Route> decide) {
        return new AfterBody(decide);
    }

    /**
     * See {@link Route#afterBody}.
     *
     * @param decide chooses the route from the complete request
     */
    record AfterBody(java.util.function.Function<RecordedRequest, Route> decide) implements Route {
    }

    /** See {@link Route#echo()}. */
    enum Echo implements Route {
        /** The only instance. */
        INSTANCE
    }

    /** See {@link Route#metrics()}. */
    enum Metrics implements Route {
        /** The only instance. */
        INSTANCE
    }

    /** See {@link Route#pass()}. */
    enum Pass implements Route {
        /** The only instance. */
        INSTANCE
    }

    /**
     * See {@link Route#forward}.
     *
     * @param upstream where to send the request
     * @param target the origin-form request-target to send
     */
    record Forward(Upstream upstream, String target) implements Route {
        /**
         * Checks the target.
         *
         * @param upstream where to send the request
         * @param target the origin-form request-target to send
         * @throws IllegalArgumentException when the target is not origin-form or has spaces or controls
         */
        public Forward {
            if (!target.startsWith("/")) {
                throw new IllegalArgumentException("forward target must start with '/', was '" + target + "'");
            }
            for (int i = 0; i < target.length(); i++) {
                char c = target.charAt(i);
                if (c <= ' ' || c >= 0x7F) {
                    throw new IllegalArgumentException("forward target has a space, control or non-ASCII character at " + i);
                }
            }
        }
    }

    /**
     * See {@link Route#respond}.
     *
     * @param response what to answer
     */
    record Respond(Response response) implements Route {
    }

    /**
     * See {@link Route#reject}.
     *
     * @param status the status to answer, 400 to 599
     */
    record Reject(int status) implements Route {
        /**
         * Checks the status.
         *
         * @param status the status to answer, 400 to 599
         * @throws IllegalArgumentException when the status is not 400 to 599
         */
        public Reject {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("reject status must be 400 to 599, was " + status);
            }
        }
    }
}
