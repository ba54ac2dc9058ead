package dev.devproxy.internal.exchange;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Writes response heads into a buffer: status lines from a table, fields as Latin-1 bytes. No allocation
 * beyond what the caller passes in.
 */
public final class ResponseHeads {
    private static final byte[][] STATUS_LINES = new byte[600][];
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] COLON_SPACE = {':', ' '};
    private static final byte[] DATE = "Date: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_KEEP_ALIVE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Echo's content type, as a whole field line: one copy instead of a put per character. */
    public static final byte[] CONTENT_TYPE_JSON = "Content-Type: application/json\r\n".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int status = 100; status < 600; status++) {
            STATUS_LINES[status] = ("HTTP/1.1 " + status + " " + reason(status) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private ResponseHeads() {
    }

    /** The reason phrase of RFC 9110 section 15, or an empty string for an unregistered status. */
    public static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 407 -> "Proxy Authentication Required";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 417 -> "Expectation Failed";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }

    /** The error body: the reason phrase in capitals, such as {@code BAD REQUEST}. */
    public static byte[] errorBody(int status) {
        String reason = reason(status);
        return (reason.isEmpty() ? "ERROR " + status : reason.toUpperCase(Locale.ROOT)).getBytes(StandardCharsets.US_ASCII);
    }

    public static void statusLine(ByteBuffer out, int status) {
        out.put(STATUS_LINES[status]);
    }

    public static void field(ByteBuffer out, String name, String value) {
        putLatin1(out, name);
        out.put(COLON_SPACE);
        putLatin1(out, value);
        out.put(CRLF);
    }

    public static void date(ByteBuffer out, HttpDate date) {
        out.put(DATE).put(date.now()).put(CRLF);
    }

    public static void contentLength(ByteBuffer out, long length) {
        out.put(CONTENT_LENGTH);
        putDecimal(out, length);
        out.put(CRLF);
    }

    public static void connection(ByteBuffer out, boolean keepAlive, boolean announceKeepAlive) {
        if (!keepAlive) {
            out.put(CONNECTION_CLOSE);
        } else if (announceKeepAlive) {
            out.put(CONNECTION_KEEP_ALIVE);
        }
    }

    public static void endOfHead(ByteBuffer out) {
        out.put(CRLF);
    }

    public static void putLatin1(ByteBuffer out, String text) {
        for (int i = 0; i < text.length(); i++) {
            out.put((byte) text.charAt(i));
        }
    }

    /** Puts {@code value}, at least 0, in decimal at the position; a BufferOverflowException when it does not fit. */
    public static void putDecimal(ByteBuffer out, long value) {
        // Counted first, then written from the last digit back with absolute puts: no String, and no reading
        // back from a direct buffer to reverse the digits.
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        if (out.remaining() < digits) {
            throw new BufferOverflowException();
        }
        int start = out.position();
        long rest = value;
        for (int at = start + digits - 1; at >= start; at--) {
            out.put(at, (byte) ('0' + (int) (rest % 10)));
            rest /= 10;
        }
        out.position(start + digits);
    }
}
