package dev.devproxy.parser;

/**
 * The size limits a parser enforces; each violation is a {@link ParseError} with its own status.
 *
 * <table>
 *   <caption>Limits and their defaults</caption>
 *   <tr><th>limit</th><th>default</th><th>when exceeded</th></tr>
 *   <tr><td>{@code maxRequestLineLength}: start line, without its CRLF</td><td>4096</td>
 *       <td>{@link ParseError#REQUEST_LINE_TOO_LONG} (414)</td></tr>
 *   <tr><td>{@code maxHeaderLineLength}: one field line, without its CRLF</td><td>8192</td>
 *       <td>{@link ParseError#HEADER_LINE_TOO_LONG} (431)</td></tr>
 *   <tr><td>{@code maxHeaderCount}: field lines in the header (or trailer) section</td><td>100</td>
 *       <td>{@link ParseError#TOO_MANY_HEADERS} (431)</td></tr>
 *   <tr><td>{@code maxHeaderSectionSize}: bytes of the header (or trailer) section</td><td>65536</td>
 *       <td>{@link ParseError#HEADER_SECTION_TOO_LARGE} (431)</td></tr>
 *   <tr><td>{@code maxBodySize}: decoded body bytes of a request</td><td>10,000,000</td>
 *       <td>{@link ParseError#BODY_TOO_LARGE} (413)</td></tr>
 *   <tr><td>{@code maxChunkLineLength}: a chunk-size line with its extensions</td><td>4096</td>
 *       <td>{@link ParseError#CHUNK_EXTENSION} (400)</td></tr>
 *   <tr><td>{@code maxResponseBodySize}: decoded body bytes of a response</td><td>none</td>
 *       <td>{@link ParseError#BODY_TOO_LARGE} (a proxy answers 502)</td></tr>
 * </table>
 *
 * <p>Every limit but the body limits applies to requests and responses alike: a status line counts toward
 * {@code maxRequestLineLength}, a response's field lines toward the field limits. A body limit is checked when a
 * Content-Length is declared, at each chunk line, and, for a body delimited by the close, once the bytes reported
 * reach it.
 *
 * @param maxRequestLineLength longest request line (or status line) accepted, in bytes, at least 16
 * @param maxHeaderLineLength longest single field line accepted, in bytes, at least 16
 * @param maxHeaderCount most field lines in one header or trailer section, at least 1
 * @param maxHeaderSectionSize most bytes in one header or trailer section, at least {@code maxHeaderLineLength}
 * @param maxBodySize most decoded body bytes in one request; {@link Long#MAX_VALUE} for no limit
 * @param maxChunkLineLength longest chunk-size line (size and extensions), in bytes, at least 16
 * @param maxResponseBodySize most decoded body bytes in one response; {@link Long#MAX_VALUE} (the default) for no
 *     limit
 */
public record ParserLimits(
        int maxRequestLineLength,
        int maxHeaderLineLength,
        int maxHeaderCount,
        int maxHeaderSectionSize,
        long maxBodySize,
        int maxChunkLineLength,
        long maxResponseBodySize) {

    private static final ParserLimits DEFAULTS = new ParserLimits(4096, 8192, 100, 65_536, 10_000_000L, 4096);

    /**
     * Checks the limits are usable.
     *
     * @param maxRequestLineLength longest request line (or status line) accepted, in bytes, at least 16
     * @param maxHeaderLineLength longest single field line accepted, in bytes, at least 16
     * @param maxHeaderCount most field lines in one header or trailer section, at least 1
     * @param maxHeaderSectionSize most bytes in one header or trailer section, at least {@code maxHeaderLineLength}
     * @param maxBodySize most decoded body bytes in one request, at least 0; {@link Long#MAX_VALUE} for no limit
     * @param maxChunkLineLength longest chunk-size line (size and extensions), in bytes, at least 16
     * @param maxResponseBodySize most decoded body bytes in one response, at least 0; {@link Long#MAX_VALUE} for
     *     no limit
     * @throws IllegalArgumentException naming the first limit out of range
     */
    public ParserLimits {
        requireAtLeast("maxRequestLineLength", maxRequestLineLength, 16);
        requireAtLeast("maxHeaderLineLength", maxHeaderLineLength, 16);
        requireAtLeast("maxHeaderCount", maxHeaderCount, 1);
        requireAtLeast("maxHeaderSectionSize", maxHeaderSectionSize, maxHeaderLineLength);
        requireAtLeast("maxBodySize", maxBodySize, 0);
        requireAtLeast("maxChunkLineLength", maxChunkLineLength, 16);
        requireAtLeast("maxResponseBodySize", maxResponseBodySize, 0);
    }

    /**
     * Limits with no response body limit, as {@link #defaults()} has.
     *
     * @param maxRequestLineLength longest request line (or status line) accepted, in bytes, at least 16
     * @param maxHeaderLineLength longest single field line accepted, in bytes, at least 16
     * @param maxHeaderCount most field lines in one header or trailer section, at least 1
     * @param maxHeaderSectionSize most bytes in one header or trailer section, at least {@code maxHeaderLineLength}
     * @param maxBodySize most decoded body bytes in one request, at least 0; {@link Long#MAX_VALUE} for no limit
     * @param maxChunkLineLength longest chunk-size line (size and extensions), in bytes, at least 16
     * @throws IllegalArgumentException naming the first limit out of range
     */
    public ParserLimits(int maxRequestLineLength, int maxHeaderLineLength, int maxHeaderCount,
            int maxHeaderSectionSize, long maxBodySize, int maxChunkLineLength) {
        this(maxRequestLineLength, maxHeaderLineLength, maxHeaderCount, maxHeaderSectionSize, maxBodySize,
                maxChunkLineLength, Long.MAX_VALUE);
    }

    /**
     * The default limits: 4096, 8192, 100, 65536, 10,000,000 and 4096, and no response body limit.
     *
     * @return the default limits
     */
    public static ParserLimits defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a copy with {@code maxRequestLineLength} replaced.
     *
     * @param value the new limit, at least 16
     * @return a copy with that limit
     * @throws IllegalArgumentException if {@code value} is out of range
     */
    public ParserLimits withMaxRequestLineLength(int value) {
        return new ParserLimits(value, maxHeaderLineLength, maxHeaderCount, maxHeaderSectionSize, maxBodySize,
                maxChunkLineLength, maxResponseBodySize);
    }

    /**
     * Returns a copy with {@code maxHeaderLineLength} replaced.
     *
     * @param value the new limit, at least 16 and at most {@code maxHeaderSectionSize}
     * @return a copy with that limit
     * @throws IllegalArgumentException if {@code value} is out of range
     */
    public ParserLimits withMaxHeaderLineLength(int value) {
        return new ParserLimits(maxRequestLineLength, value, maxHeaderCount, maxHeaderSectionSize, maxBodySize,
                maxChunkLineLength, maxResponseBodySize);
    }

    /**
     * Returns a copy with {@code maxHeaderCount} replaced.
     *
     * @param value the new limit, at least 1
     * @return a copy with that limit
     * @throws IllegalArgumentException if {@code value} is out of range
     */
    public ParserLimits withMaxHeaderCount(int value) {
        return new ParserLimits(maxRequestLineLength, maxHeaderLineLength, value, maxHeaderSectionSize, maxBodySize,
                maxChunkLineLength, maxResponseBodySize);
    }

    /**
     * Returns a copy with {@code maxHeaderSectionSize} replaced.
     *
     * @param value the new limit, at least {@code maxHeaderLineLength}
     * @return a copy with that limit
     * @throws IllegalArgumentException if {@code value} is out of range
     */
    public ParserLimits withMaxHeaderSectionSize(int value) {
        return new ParserLimits(maxRequestLineLength, maxHeaderLineLength, maxHeaderCount, value, maxBodySize,
                maxChunkLineLength, maxResponseBodySize);
    }

    /**
     * Returns a copy with {@code maxBodySize} replaced.
     *
     * @param value the new limit, at least 0; {@link Long#MAX_VALUE} for no limit
     * @return a copy with that limit
     * @throws IllegalArgumentException if {@code value} is out of range
     */
    public ParserLimits withMaxBodySize(long value) {
        return new ParserLimits(maxRequestLineLength, maxHeaderLineLength, maxHeaderCount, maxHeaderSectionSize, value,
                maxChunkLineLength, maxResponseBodySize);
    }

    /**
     * Returns a copy with {@code maxChunkLineLength} replaced.
     *
     * @param value the new limit, at least 16
     * @return a copy with that limit
     * @throws IllegalArgumentException if {@code value} is out of range
     */
    public ParserLimits withMaxChunkLineLength(int value) {
        return new ParserLimits(maxRequestLineLength, maxHeaderLineLength, maxHeaderCount, maxHeaderSectionSize,
                maxBodySize, value, maxResponseBodySize);
    }

    /**
     * Returns a copy with {@code maxResponseBodySize} replaced.
     *
     * @param value the new limit, at least 0; {@link Long#MAX_VALUE} for no limit
     * @return a copy with that limit
     * @throws IllegalArgumentException if {@code value} is out of range
     */
    public ParserLimits withMaxResponseBodySize(long value) {
        return new ParserLimits(maxRequestLineLength, maxHeaderLineLength, maxHeaderCount, maxHeaderSectionSize,
                maxBodySize, maxChunkLineLength, value);
    }

    private static void requireAtLeast(String name, long value, long minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be at least " + minimum + ", was " + value);
        }
    }
}
