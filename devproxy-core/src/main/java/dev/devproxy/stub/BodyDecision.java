package dev.devproxy.stub;

import dev.devproxy.RecordedRequest;
import dev.devproxy.Route;
import dev.devproxy.internal.exchange.StreamingDecision;
import dev.devproxy.internal.stub.BodyScan;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One request's decision of {@link Stubs} once its body is read: the stubs whose head conditions matched, each
 * body condition that streams ({@code withBody(String)}, {@code withBodyContaining(String)}) with a scan fed as
 * the body arrives. The body is held only when a candidate has a condition that reads it whole (JSON, regex, a
 * custom predicate) or the route the stubs fall back to needs it (a forward, echo, a router's own
 * {@code afterBody}). A condition of the second kind does not match a body longer than {@code maxMatchBodySize},
 * and the report says so.
 */
final class BodyDecision implements StreamingDecision {
    private final Stubs stubs;
    private final Stubs.Entry[] snapshot;
    private final List<Candidate> candidates;
    private final @Nullable Route fallback;
    private final @Nullable StreamingDecision nested;
    private final boolean notFound;
    private final boolean needsHeldBody;

    /** A stub whose head conditions matched, and a scan for each of its body conditions that streams, or null. */
    private record Candidate(Stubs.Entry entry, List<@Nullable BodyScan> scans) {
    }

    /**
     * @param snapshot the stubs as they were when the head arrived
     * @param candidates the indexes in {@code snapshot} of the stubs whose head conditions matched, in order
     * @param fallback the route when no stub matches, asked from the head; null for a pass
     * @param notFound whether an unmatched request gets the near-miss 404 instead
     */
    BodyDecision(Stubs stubs, Stubs.Entry[] snapshot, List<Integer> candidates, @Nullable Route fallback,
            boolean notFound) {
        this.stubs = stubs;
        this.snapshot = snapshot;
        this.fallback = fallback;
        this.notFound = notFound;
        this.nested = fallback instanceof Route.AfterBody after && after.decide() instanceof StreamingDecision own
                ? own : null;
        boolean holds = fallback instanceof Route.Forward || fallback instanceof Route.Echo
                || (fallback instanceof Route.AfterBody && (nested == null || nested.needsHeldBody()));
        List<Candidate> made = new ArrayList<>(candidates.size());
        for (int index : candidates) {
            Stubs.Entry entry = snapshot[index];
            List<@Nullable BodyScan> scans = new ArrayList<>(entry.body.size());
            for (RequestMatcher part : entry.body) {
                BodyScan scan = RequestMatchers.scan(part);
                holds |= scan == null;
                scans.add(scan);
            }
            made.add(new Candidate(entry, scans));
        }
        this.candidates = made;
        this.needsHeldBody = holds;
    }

    @Override
    public boolean needsHeldBody() {
        return needsHeldBody;
    }

    @Override
    public void onBody(ByteBuffer buffer, int offset, int length) {
        for (Candidate candidate : candidates) {
            for (BodyScan scan : candidate.scans()) {
                if (scan != null) {
                    scan.feed(buffer, offset, length);
                }
            }
        }
        if (nested != null) {
            nested.onBody(buffer, offset, length);
        }
    }

    @Override
    public Route decide(RecordedRequest request, boolean complete, long maxMatchBodySize) {
        for (Candidate candidate : candidates) {
            Stubs.Entry entry = candidate.entry();
            if (entry.isUsedUp() || !entry.matchesHead(request) || !matchesBody(candidate, request, complete)) {
                continue;
            }
            int use = entry.claim();
            if (use >= 0) {
                return Route.respond(entry.stub.responseFor(use));
            }
        }
        if (notFound) {
            return stubs.notFound(request, snapshot, (entry, r) -> mismatches(entry, r, complete, maxMatchBodySize));
        }
        if (nested != null) {
            return nested.decide(request, complete, maxMatchBodySize);
        }
        return fallbackFor(request);
    }

    /** Decides from the request's body alone, as if nothing had been fed: what a router chain asks of it. */
    @Override
    public Route apply(RecordedRequest request) {
        for (Candidate candidate : candidates) {
            Stubs.Entry entry = candidate.entry();
            if (entry.isUsedUp() || !entry.matchesHead(request) || !entry.matchesBody(request)) {
                continue;
            }
            int use = entry.claim();
            if (use >= 0) {
                return Route.respond(entry.stub.responseFor(use));
            }
        }
        if (notFound) {
            return stubs.notFound(request, snapshot, Stubs.Entry::bodyMismatches);
        }
        return fallbackFor(request);
    }

    private Route fallbackFor(RecordedRequest request) {
        if (fallback instanceof Route.AfterBody after) {
            return after.decide().apply(request);
        }
        return fallback == null ? Route.pass() : fallback;
    }

    /**
     * Whether the candidate's body conditions hold: a streaming one by its scan, another by the held body, which
     * it must have whole.
     */
    private static boolean matchesBody(Candidate candidate, RecordedRequest request, boolean complete) {
        List<RequestMatcher> parts = candidate.entry().body;
        for (int i = 0; i < parts.size(); i++) {
            BodyScan scan = candidate.scans().get(i);
            if (scan != null) {
                if (scan.verdict(complete) != BodyScan.Verdict.MATCH) {
                    return false;
                }
            } else if (request.bodyTruncated() || !candidate.entry().matches(parts.get(i), request)) {
                return false;
            }
        }
        return true;
    }

    /** What the report says of {@code entry}'s body conditions: from the scans for a candidate. */
    private List<String> mismatches(Stubs.Entry entry, RecordedRequest request, boolean complete, long limit) {
        Candidate candidate = null;
        for (Candidate c : candidates) {
            if (c.entry() == entry) {
                candidate = c;
            }
        }
        if (candidate == null) {
            return entry.bodyMismatches(request);
        }
        List<String> reasons = new ArrayList<>();
        List<RequestMatcher> parts = entry.body;
        for (int i = 0; i < parts.size(); i++) {
            RequestMatcher part = parts.get(i);
            BodyScan scan = candidate.scans().get(i);
            if (scan != null) {
                switch (scan.verdict(complete)) {
                    case MATCH -> { }
                    case NO_MATCH -> reasons.add(RequestMatchers.scanFailure(part, request));
                    case UNKNOWN -> reasons.add(overLimit(part, request, limit));
                }
            } else if (request.bodyTruncated()) {
                reasons.add(overLimit(part, request, limit));
            } else {
                reasons.addAll(entry.mismatchesOf(part, request));
            }
        }
        return reasons;
    }

    /** Why a condition was not checked: the body is over the matching limit, named with its value and setter. */
    static String overLimit(RequestMatcher part, RecordedRequest request, long limit) {
        String declared = request.header("Content-Length");
        String size = declared != null ? declared.strip() + " bytes" : "more than " + request.body().length + " bytes";
        return part.describe() + ": not checked: the body of " + size + " is over maxMatchBodySize (" + limit
                + "); raise it with DevProxy.builder().maxMatchBodySize(bytes)";
    }
}
