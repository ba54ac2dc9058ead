package dev.devproxy.parser;

import java.util.List;

/** Everything a {@link ResponseHead} says, copied out while the view is valid. */
record ResponseSnapshot(
        HttpVersion version,
        int status,
        String reason,
        List<String> headers,
        BodyKind bodyKind,
        long contentLength,
        boolean keepAlive,
        int headLength) {

    static ResponseSnapshot of(ResponseHead head) {
        ViewChecks.agree(head);
        return new ResponseSnapshot(head.version(), head.status(), head.reason(),
                RequestSnapshot.fieldLines(head.headers()), head.bodyKind(), head.contentLength(), head.keepAlive(),
                head.headLength());
    }
}
