package dev.devproxy.parser;

/**
 * What a call to {@link RequestParser#parse} or {@link ResponseParser#parse} found; the loop that calls it is
 * described on {@link MessageParser}.
 *
 * <p>A message is reported as {@link #HEAD}, zero or more {@link #BODY} events, then {@link #END}.
 * {@link #NEED_MORE} may come between any two of them.
 */
public enum ParseStatus {
    /** Every byte given was consumed and the parser needs more input to report anything. */
    NEED_MORE,
    /** The head is complete and available from {@code head()}; its bytes were consumed. */
    HEAD,
    /**
     * A run of body data was consumed: {@code bodySlice()} is a read-only view of it; it lies in the buffer just
     * given at {@code bodyOffset()} for {@code bodyLength()} bytes (absolute indexes, ending at the buffer's new
     * position). Chunked framing is already removed.
     */
    BODY,
    /** The message is complete (trailers, if any, are in {@code trailers()}); the next call starts the next one. */
    END,
    /** The input violates HTTP/1.1 or a limit; {@code error()} says which. The parser stays failed. */
    ERROR
}
