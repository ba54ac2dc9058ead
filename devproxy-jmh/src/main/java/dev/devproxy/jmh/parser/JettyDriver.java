package dev.devproxy.jmh.parser;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;

/**
 * Drives one Jetty {@link HttpParser} over a whole buffer of requests, set up as Jetty's server sets up the
 * parser of each connection ({@code HttpConnection.newHttpParser} with {@code HttpConfiguration}'s defaults):
 * 8192 bytes of request header, {@link HttpCompliance#RFC9110}, a header cache of 1024 entries.
 *
 * <p>That cache matters here. Jetty resolves common fields ({@code Connection: keep-alive}, known header
 * names) from a static table, and remembers fields such as Host, User-Agent, Accept and Cookie per connection,
 * so a connection that repeats them gets the same {@code HttpField} back without a new {@code String}. Since
 * the benchmark feeds the same bytes to one parser again and again, that cache is always warm: this is Jetty
 * on a long keep-alive connection from one client, its best case.
 *
 * <p>The handler reports everything the parser hands out: method, URI, version, every field's name and value
 * ({@code HttpField} holds both as {@code String}s) and every content slice. {@code messageComplete} returns
 * true so {@code parseNext} stops after each request, and the parser is reset for the next, as Jetty's
 * {@code HttpConnection} does.
 */
final class JettyDriver implements HttpParser.RequestHandler {
    private final HttpParser parser;
    /** Where the callbacks report; set by each {@link #parse} call (a placeholder until the first). */
    private Sink sink = new RecordingSink();
    private int requests;

    JettyDriver() {
        parser = new HttpParser(this, 8192, HttpCompliance.RFC9110);
        parser.setHeaderCacheSize(1024);
    }

    /**
     * Parses every request in {@code input}, from index 0 to its limit.
     *
     * @return the number of complete requests
     * @throws IllegalStateException when the parser rejects the input or stops making progress
     */
    int parse(ByteBuffer input, Sink sink) {
        this.sink = sink;
        requests = 0;
        input.rewind();
        while (input.hasRemaining()) {
            int before = input.position();
            parser.parseNext(input);
            if (parser.isComplete()) {
                parser.reset();
            } else if (input.position() == before) {
                break; // the parser needs more bytes
            }
        }
        return requests;
    }

    @Override
    public void startRequest(String method, String uri, HttpVersion version) {
        sink.method(method);
        sink.target(uri);
        sink.version(version.asString());
    }

    @Override
    public void parsedHeader(HttpField field) {
        sink.headerName(field.getName());
        sink.headerValue(field.getValue());
    }

    @Override
    public boolean headerComplete() {
        return false;
    }

    @Override
    public boolean content(ByteBuffer content) {
        sink.body(content, content.position(), content.remaining());
        return false;
    }

    @Override
    public boolean contentComplete() {
        return false;
    }

    @Override
    public boolean messageComplete() {
        requests++;
        sink.end();
        return true;
    }

    @Override
    public void earlyEOF() {
        throw new IllegalStateException("Jetty saw the input end inside a request");
    }

    @Override
    public void badMessage(HttpException failure) {
        throw new IllegalStateException("Jetty rejected request " + (requests + 1) + ": " + failure);
    }
}
