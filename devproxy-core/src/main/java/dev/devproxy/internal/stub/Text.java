package dev.devproxy.internal.stub;

import dev.devproxy.RecordedRequest;
import java.util.List;
import java.util.stream.Collectors;

/** How failure messages show values: quoted, escaped, and cut short so that one message stays readable. */
public final class Text {
    /** The most characters of a body or value a message shows. */
    private static final int PREVIEW = 200;
    /** The most body bytes decoded for a message: enough for {@link #PREVIEW} characters of any UTF-8. */
    private static final int PREVIEW_BYTES = 4 * PREVIEW;

    private Text() {
    }

    /** {@code value} in double quotes, with quotes, backslashes and controls escaped, cut at 200 characters. */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), PREVIEW) + 2).append('"');
        int end = Math.min(value.length(), PREVIEW);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
        if (value.length() > PREVIEW) {
            out.append("... (").append(value.length()).append(" characters)");
        }
        return out.toString();
    }

    /** Each value quoted, in brackets: {@code ["a", "b"]}. */
    public static String quoteAll(List<String> values) {
        return values.stream().map(Text::quote).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Text such as an expected body, quoted and cut short. */
    public static String preview(String text) {
        return quote(text);
    }

    /** Text that reads well as it is, such as compact JSON, cut at 200 characters but not quoted. */
    public static String cut(String text) {
        return text.length() <= PREVIEW ? text : text.substring(0, PREVIEW) + "... (" + text.length() + " characters)";
    }

    /** A request's body as a message shows it: empty, quoted text, or its length, noting a cut by a cap. */
    public static String body(RecordedRequest request) {
        if (request.bodyLength() == 0) {
            return "empty";
        }
        byte[] body = request.body();
        String shown;
        if (body.length <= PREVIEW_BYTES) {
            shown = quote(request.bodyAsString());
        } else {
            // Only the start is decoded: a message about a body of many megabytes must not copy it.
            String start = new String(body, 0, PREVIEW_BYTES, java.nio.charset.StandardCharsets.UTF_8);
            shown = quote(start.substring(0, Math.min(start.length(), PREVIEW))).replaceFirst("\"$", "")
                    + "\"... (" + body.length + " bytes)";
        }
        if (request.bodyTruncated()) {
            shown += " (only the first " + request.body().length + " of " + request.bodyLength()
                    + " bytes were kept)";
        }
        return shown;
    }

    /** Where {@code needle} first occurs in {@code haystack}, or -1; scans in place, copying nothing. */
    public static int indexOf(byte[] haystack, byte[] needle) {
        if (needle.length == 0) {
            return 0;
        }
        byte first = needle[0];
        int last = haystack.length - needle.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (haystack[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** {@code 1 request}, {@code 2 requests}. */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Indents every line of {@code text} by {@code spaces}. */
    public static String indent(String text, int spaces) {
        String pad = " ".repeat(spaces);
        return pad + text.replace("\n", "\n" + pad);
    }
}
