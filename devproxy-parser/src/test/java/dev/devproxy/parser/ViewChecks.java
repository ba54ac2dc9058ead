package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

/**
 * Checks that the zero-copy views of a head say what its {@code String} accessors say, and that their offsets
 * index {@link MessageHead#storage()}. The snapshots call it on every head the {@link Incremental} kit sees, so
 * every split of every table case checks the views too.
 */
final class ViewChecks {
    private ViewChecks() {
    }

    static void agree(RequestHead head) {
        AsciiView view = new AsciiView();
        same("method", head.method(), head.method(view), head);
        same("target", head.target(), head.target(view), head);
        if (head.pathStart != head.pathEnd) {
            same("path", head.path(), head.path(view), head);
        } else {
            assertTrue(head.path(view).contentEquals("/"), "an empty absolute-form path is viewed as /");
        }
        String query = head.query();
        assertEquals(query != null, head.hasQuery(), "hasQuery() agrees with query()");
        if (query != null) {
            same("query", query, head.query(view), head);
        } else {
            assertEquals(0, head.query(view).length(), "no query is viewed as empty");
        }
        assertEquals(head.targetLength(), head.target(view).length());
        fields(head.headers(), head);
    }

    static void agree(ResponseHead head) {
        AsciiView view = new AsciiView();
        same("reason", head.reason(), head.reason(view), head);
        fields(head.headers(), head);
    }

    /** The views of every name and value, and the pre-encoded lookup, agree with the String accessors. */
    static void fields(HeaderFields fields, MessageHead head) {
        AsciiView view = new AsciiView();
        for (int i = 0; i < fields.size(); i++) {
            String name = fields.name(i);
            same("name " + i, name, fields.name(i, view), head);
            same("value " + i, fields.value(i), fields.value(i, view), head);
            assertEquals(fields.indexOf(name, 0), fields.indexOf(HeaderName.of(name)), "indexOf(HeaderName) of " + name);
        }
    }

    private static void same(String what, String expected, AsciiView view, MessageHead head) {
        assertEquals(expected, view.toString(), what);
        assertTrue(view.contentEquals(expected), what + ": contentEquals");
        assertTrue(view.equalsIgnoreCase(expected), what + ": equalsIgnoreCase");
        ByteBuffer storage = head.storage();
        assertTrue(view.offset() + view.length() <= storage.limit(), what + " lies in the head's storage");
        for (int i = 0; i < view.length(); i++) {
            assertEquals(view.byteAt(i), storage.get(view.offset() + i), what + ": byte " + i + " of the storage");
        }
    }
}
