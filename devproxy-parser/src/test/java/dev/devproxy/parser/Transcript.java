package dev.devproxy.parser;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a parser reported for a stream, normalised so that any two ways of splitting the same bytes give equal
 * transcripts: heads as value snapshots, adjacent body runs joined, NEED_MORE left out.
 */
record Transcript(List<Event> events) {

    sealed interface Event permits Head, Body, End, Error, EndOfInput {
    }

    /** A HEAD event: a snapshot of the head, taken while it was valid. */
    record Head(Object head) implements Event {
    }

    /** One or more adjacent BODY events, their bytes joined (ISO-8859-1, so one char per byte). */
    record Body(String bytes) implements Event {
    }

    /** An END event and the trailers the parser reported with it. */
    record End(List<String> trailers) implements Event {
    }

    /** An ERROR event. */
    record Error(ParseError error) implements Event {
    }

    /** What {@code endOfInput()} returned after the last byte (not recorded after an error). */
    record EndOfInput(ParseStatus status) implements Event {
    }

    /** The request heads, in order. */
    List<RequestSnapshot> requests() {
        List<RequestSnapshot> heads = new ArrayList<>();
        for (Event event : events) {
            if (event instanceof Head head && head.head() instanceof RequestSnapshot request) {
                heads.add(request);
            }
        }
        return heads;
    }

    /** The response heads, in order. */
    List<ResponseSnapshot> responses() {
        List<ResponseSnapshot> heads = new ArrayList<>();
        for (Event event : events) {
            if (event instanceof Head head && head.head() instanceof ResponseSnapshot response) {
                heads.add(response);
            }
        }
        return heads;
    }

    /** The only request head. */
    RequestSnapshot request() {
        List<RequestSnapshot> heads = requests();
        if (heads.size() != 1) {
            throw new AssertionError("expected one request head in " + this);
        }
        return heads.get(0);
    }

    /** The only response head. */
    ResponseSnapshot response() {
        List<ResponseSnapshot> heads = responses();
        if (heads.size() != 1) {
            throw new AssertionError("expected one response head in " + this);
        }
        return heads.get(0);
    }

    /** The body of each message, "" for one without body events; in order of the ENDs. */
    List<String> bodies() {
        List<String> bodies = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (Event event : events) {
            if (event instanceof Body body) {
                current.append(body.bytes());
            } else if (event instanceof End) {
                bodies.add(current.toString());
                current.setLength(0);
            }
        }
        return bodies;
    }

    /** The trailers reported with each END, in order. */
    List<List<String>> trailers() {
        List<List<String>> trailers = new ArrayList<>();
        for (Event event : events) {
            if (event instanceof End end) {
                trailers.add(end.trailers());
            }
        }
        return trailers;
    }

    int endCount() {
        return (int) events.stream().filter(End.class::isInstance).count();
    }

    /** The error, or null when the stream parsed without one. */
    @Nullable ParseError error() {
        for (Event event : events) {
            if (event instanceof Error error) {
                return error.error();
            }
        }
        return null;
    }

    /** What endOfInput() returned, or null after an error. */
    @Nullable ParseStatus endOfInput() {
        Event last = events.isEmpty() ? null : events.get(events.size() - 1);
        return last instanceof EndOfInput end ? end.status() : null;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Event event : events) {
            text.append("\n  ").append(event);
        }
        return text.toString();
    }
}
