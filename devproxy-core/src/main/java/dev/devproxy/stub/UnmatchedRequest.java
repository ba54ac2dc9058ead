package dev.devproxy.stub;

import dev.devproxy.RecordedRequest;

/**
 * A request no stub matched, answered 404 by {@link Stubs#orElseNotFound()}, with the report it was sent.
 *
 * @param request the request (with its body when a stub needed the body to decide, else with an empty body)
 * @param report why no stub matched: the closest stubs and, for each, the conditions the request missed
 */
public record UnmatchedRequest(RecordedRequest request, String report) {
    @Override
    public String toString() {
        return report;
    }
}
