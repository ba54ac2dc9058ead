package dev.devproxy.parser;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Everything a {@link RequestHead} says, copied out while the view is valid. */
record RequestSnapshot(
        String method,
        String target,
        RequestHead.TargetForm form,
        String path,
        @Nullable String query,
        @Nullable String authority,
        HttpVersion version,
        List<String> headers,
        BodyKind bodyKind,
        long contentLength,
        boolean keepAlive,
        boolean expectsContinue,
        int headLength) {

    static RequestSnapshot of(RequestHead head) {
        ViewChecks.agree(head);
        return new RequestSnapshot(head.method(), head.target(), head.targetForm(), head.path(), head.query(),
                head.authority(), head.version(), fieldLines(head.headers()), head.bodyKind(), head.contentLength(), head.keepAlive(),
                head.expectsContinue(), head.headLength());
    }

    /** Each field line as {@code name: value}, in order. */
    static List<String> fieldLines(HeaderFields fields) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            lines.add(fields.name(i) + ": " + fields.value(i));
        }
        return lines;
    }
}
