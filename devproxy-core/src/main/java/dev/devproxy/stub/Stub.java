package dev.devproxy.stub;

import dev.devproxy.Fault;
import dev.devproxy.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A request matcher and the responses it answers with: an immutable stub definition, registered with
 * {@link Stubs#add} or {@code DevProxy.stubFor}. Build one fluently from a {@link RequestPattern}:
 *
 * <pre>{@code
 * Stub flaky = get("/api/users").willReturn(status(503)).thenReturn(json(200, "[]"));
 * Stub once = post("/api/orders").willReturn(status(201)).times(1);
 * }</pre>
 *
 * <p>A stub answers its first request with the first response, its second with the second, and so on; once
 * the sequence is used up the last response repeats. With {@link #times(int)} it answers that many requests
 * in all, then no longer matches, so later requests fall through to the next stub or route. The counts live
 * in the registration ({@link RegisteredStub}), so one {@code Stub} value can be registered with several
 * proxies.
 *
 * @param matcher which requests this stub answers
 * @param responses the responses, in the order they are used; at least one
 * @param maxUses the most requests it answers, {@link #UNLIMITED} for no limit
 * @param name a name for failure messages, or null to describe the stub by its matcher
 */
public record Stub(RequestMatcher matcher, List<Response> responses, int maxUses, @Nullable String name) {
    /** The {@link #maxUses()} of a stub without a limit. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /**
     * Checks and copies.
     *
     * @param matcher which requests this stub answers
     * @param responses the responses, in the order they are used; at least one; copied
     * @param maxUses the most requests it answers, at least 1; {@link #UNLIMITED} for no limit
     * @param name a name for failure messages, or null to describe the stub by its matcher
     * @throws IllegalArgumentException when there is no response or {@code maxUses} is less than 1
     */
    public Stub {
        Objects.requireNonNull(matcher, "matcher");
        responses = List.copyOf(responses);
        if (responses.isEmpty()) {
            throw new IllegalArgumentException("a stub needs at least one response");
        }
        if (maxUses < 1) {
            throw new IllegalArgumentException("a stub answers at least 1 request, was times(" + maxUses + ")");
        }
    }

    /**
     * A stub answering every request {@code matcher} matches with {@code response}.
     *
     * @param matcher which requests the stub answers
     * @param response the response to answer every one of them with
     * @return a new stub without a use limit or name
     */
    public static Stub of(RequestMatcher matcher, Response response) {
        return new Stub(matcher, List.of(response), UNLIMITED, null);
    }

    /**
     * This stub with {@code next} added to its sequence: it answers after the responses before it.
     *
     * @param next the response to add at the end of the sequence
     * @return a new stub with the longer sequence
     */
    public Stub thenReturn(Response next) {
        List<Response> sequence = new ArrayList<>(responses);
        sequence.add(Objects.requireNonNull(next, "next"));
        return new Stub(matcher, sequence, maxUses, name);
    }

    /**
     * {@link #thenReturn(Response)} with {@code next.build()}.
     *
     * @param next the builder of the response to add; built once, now
     * @return a new stub with the longer sequence
     */
    public Stub thenReturn(Response.Builder next) {
        return thenReturn(next.build());
    }

    /**
     * This stub limited to {@code uses} requests; after that it no longer matches.
     *
     * @param uses the most requests to answer, at least 1
     * @return a new stub with that limit
     * @throws IllegalArgumentException when {@code uses} is less than 1
     */
    public Stub times(int uses) {
        return new Stub(matcher, responses, uses, name);
    }

    /**
     * This stub with a name that failure messages use.
     *
     * @param name the name
     * @return a new stub with that name
     */
    public Stub named(String name) {
        return new Stub(matcher, responses, maxUses, Objects.requireNonNull(name, "name"));
    }

    /**
     * The response for the request this stub answers as its {@code use}-th, counting from 0.
     *
     * @param use the number of requests this stub answered before this one, 0 or more
     * @return the response at that place in the sequence, or the last one once the sequence is used up
     */
    public Response responseFor(int use) {
        return responses.get(Math.min(use, responses.size() - 1));
    }

    /**
     * One line for failure messages: the name if any, the matcher, and the responses, such as
     * {@code GET /api/users -> 503, then 200 (at most 2 times)}.
     *
     * @return the description
     */
    public String describe() {
        String answers = responses.stream().map(Stub::summary).collect(Collectors.joining(", then "));
        return (name == null ? "" : "\"" + name + "\": ") + matcher.describe() + " -> " + answers
                + (maxUses == UNLIMITED ? "" : " (at most " + maxUses + (maxUses == 1 ? " time)" : " times)"));
    }

    private static String summary(Response response) {
        Fault fault = response.fault();
        String delay = response.maxDelay().isZero() ? ""
                : response.minDelay().equals(response.maxDelay()) ? " after " + millis(response.maxDelay())
                : " after " + millis(response.minDelay()) + " to " + millis(response.maxDelay());
        if (fault == null) {
            return response.status() + delay;
        }
        String what = fault instanceof Fault.DribbleBody dribble
                ? response.status() + " dribbled at " + dribble.bytesPerSecond() + " bytes/s"
                : fault instanceof Fault.CloseWithoutResponse ? "close without response"
                : fault instanceof Fault.ResetConnection ? "connection reset"
                : "malformed response";
        return what + delay;
    }

    private static String millis(java.time.Duration duration) {
        return duration.toMillis() + " ms";
    }

    @Override
    public String toString() {
        return describe();
    }
}
