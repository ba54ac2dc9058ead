/**
 * A strict, incremental HTTP/1.1 parser for requests and responses (RFC 9112), independent of any I/O.
 *
 * <p>The caller feeds {@link java.nio.ByteBuffer}s as they arrive, in any split, to a
 * {@link dev.devproxy.parser.RequestParser} or {@link dev.devproxy.parser.ResponseParser} and gets back
 * {@link dev.devproxy.parser.ParseStatus events}: the head once it is complete, then the body as offsets into
 * the caller's buffer (never copied), then the end of the message. The two are faces of one parser,
 * {@link dev.devproxy.parser.MessageParser}, which reads the header section, framing, bodies, chunked coding and
 * trailers of both; only the start line and a few rules of each direction differ. Their heads share
 * {@link dev.devproxy.parser.MessageHead}. Heads are copied once into storage the
 * parser reuses for later messages, and names and values come back as offsets into it, readable through
 * {@link dev.devproxy.parser.AsciiView views} and {@link dev.devproxy.parser.HeaderName pre-encoded name}
 * lookups that allocate nothing: a {@code String} is made only when a caller asks for one, and a reused parser
 * allocates nothing per message. The parse loop is described once, on {@link dev.devproxy.parser.MessageParser}.
 * How the input is split never changes what is reported. Parsers are not thread-safe: one per connection.
 *
 * <p>Strictness is a security feature: a proxy that frames a message differently from the server behind it
 * lets an attacker smuggle requests. Every rule RFC 9112 says to reject is rejected with a
 * {@link dev.devproxy.parser.ParseError} that names the rule and carries the status to answer. Relaxations
 * are opt-in {@link dev.devproxy.parser.Leniency leniencies}, each documented with what it reopens; every
 * size is bounded by {@link dev.devproxy.parser.ParserLimits}. Both come in one
 * {@link dev.devproxy.parser.ParserConfig}, which a request parser and a response parser can share: the head
 * limits hold in both directions, and each has its own body limit. The module's README lists the rules, the few
 * tolerances and the limits.
 */
@NullMarked
package dev.devproxy.parser;

import org.jspecify.annotations.NullMarked;
