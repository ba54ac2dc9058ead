package dev.devproxy.parser;

/**
 * A named, opt-in relaxation of the parser's strict RFC 9112 rules. None is on by default.
 *
 * <p>Each one accepts input that some peers send, at a cost: a proxy that accepts what the server behind it
 * parses differently is a request-smuggling gadget. Turn one on only when every hop agrees.
 */
public enum Leniency {
    /**
     * Accept a bare LF as a line terminator in the start line, field lines, chunk lines and trailers.
     *
     * <p>RFC 9112 section 2.2: "a recipient MAY recognize a single LF as a line terminator and ignore any
     * preceding CR". DevProxy rejects it by default (400), because servers disagree on it: a chunk line ended
     * by a bare LF is one of the "funky chunks" smuggling vectors, where a front end and a back end split the
     * same bytes into different chunks. DevProxy re-frames what it forwards, so turning this on is safe for its
     * own proxying, but not for a tool that passes bytes on verbatim.
     */
    BARE_LF
}
