package dev.devproxy.parser;

/**
 * The parsed status line and header section of one response, with the framing facts derived from them (which
 * also weigh the request method, see {@link ResponseParser#expectResponseToHead}); the parts every head has are
 * those of {@link MessageHead}.
 *
 * <p>A view over storage the {@link ResponseParser} reuses: valid until that parser reports {@link
 * ParseStatus#HEAD} for the next message. Not thread-safe, like its parser.
 */
public final class ResponseHead extends MessageHead {
    // Written by StatusLine; offsets index bytes, which holds the head from its status line on.
    int status;
    int reasonStart;
    int reasonEnd;

    ResponseHead() {
    }

    /**
     * The three-digit status code, 100 to 999.
     *
     * @return the status code, 100 to 999
     */
    public int status() {
        return status;
    }

    /**
     * The reason phrase, possibly empty. Empty too when the status line ended right after the status code, a
     * tolerance for servers that omit the space the grammar requires there.
     *
     * @return the reason phrase, possibly empty
     */
    public String reason() {
        return latin1(reasonStart, reasonEnd);
    }

    /**
     * Points {@code view} at the reason phrase, possibly empty. Allocates nothing.
     *
     * @param view the view to point
     * @return {@code view}
     */
    public AsciiView reason(AsciiView view) {
        return view.set(bytes, reasonStart, reasonEnd);
    }

    /** The status line, as in {@code HTTP/1.1 200 OK}, for debugging. */
    @Override
    public String toString() {
        return version.text() + ' ' + status + ' ' + reason();
    }
}
