package dev.devproxy.internal.engine;

import dev.devproxy.RouteKind;
import dev.devproxy.internal.echo.EchoBody;
import dev.devproxy.internal.echo.JsonWriter;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.RequestHead;
import java.nio.ByteBuffer;

/**
 * Echo mode: reads the whole body (hashing it, keeping at most 64 KiB + 1 bytes) and answers 200 with a JSON
 * object describing the request. Field values are shown decoded as ISO-8859-1, so every byte survives.
 */
final class EchoExchange implements Exchange {
    private final ClientConnection connection;
    private final JsonWriter json;
    private final EchoBody body = new EchoBody();

    EchoExchange(ClientConnection connection, RequestHead head) {
        this.connection = connection;
        connection.setRoute(RouteKind.ECHO);
        // The head is only valid while no other message is parsed, so its part of the JSON is written now.
        json = new JsonWriter(256 + 2 * head.headLength());
        json.raw("{").name("method").string(head.method())
                .raw(",").name("target").string(head.target())
                .raw(",").name("path").string(head.path())
                .raw(",").name("query").string(head.query())
                .raw(",").name("version").string(head.version().text())
                .raw(",").name("headers").raw("[");
        HeaderFields headers = head.headers();
        for (int i = 0; i < headers.size(); i++) {
            json.raw(i == 0 ? "[" : ",[").string(headers.name(i)).raw(",").string(headers.value(i)).raw("]");
        }
        json.raw("]");
    }

    @Override
    public boolean onRequestBody(ByteBuffer buffer, int offset, int length) {
        body.add(buffer, offset, length);
        return true;
    }

    @Override
    public void onRequestEnd() {
        json.raw(",").name("bodyLength").number(body.length())
                .raw(",").name("bodySha256").string(body.sha256Hex())
                .raw(",").name("body").string(body.text())
                .raw(",").name("remoteAddress").string(connection.remoteAddress())
                .raw("}");
        LocalResponseExchange.send(connection, 200, "application/json",
                ByteBuffer.wrap(json.array(), 0, json.length()));
    }

    @Override
    public void abort() {
        // Nothing held but memory.
    }
}
