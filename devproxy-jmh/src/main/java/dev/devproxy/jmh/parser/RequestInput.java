package dev.devproxy.jmh.parser;

import dev.devproxy.jmh.parser.ParsedRequest.Header;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * The inputs of {@link RequestParserBenchmark}: each is one buffer of request bytes and the requests every
 * parser must find in it. All requests are valid HTTP/1.1 that every parser accepts with its defaults.
 */
public enum RequestInput {
    /** {@code GET / HTTP/1.1} with only {@code Host: a}: 27 bytes, the fixed cost of a request. */
    MINIMAL_GET(RequestInput::minimalGet),
    /** A page load as Chrome sends it over HTTP/1.1: 14 header fields with a cookie, 763 bytes. */
    BROWSER_GET(RequestInput::browserGetWorkload),
    /** A JSON POST with a 1 KiB body delimited by Content-Length. */
    POST_1KIB(RequestInput::post1KiB),
    /** The same 1 KiB body sent chunked, in chunks of 400, 400 and 224 bytes. */
    CHUNKED_POST_1KIB(RequestInput::chunkedPost1KiB),
    /** 16 copies of {@link #BROWSER_GET} back to back in one buffer, as a pipelining client sends them. */
    PIPELINED_16_GETS(RequestInput::pipelinedGets);

    private final Supplier<Workload> workload;

    RequestInput(Supplier<Workload> workload) {
        this.workload = workload;
    }

    /** Builds the bytes and the expected requests; called in {@code @Setup}, never while measuring. */
    Workload build() {
        return workload.get();
    }

    /**
     * One input: the bytes to parse and what a correct parser reports for them.
     *
     * @param bytes the requests on the wire, back to back
     * @param expected the requests in order
     */
    record Workload(byte[] bytes, List<ParsedRequest> expected) {
        Workload {
            bytes = bytes.clone();
            expected = List.copyOf(expected);
        }

        static Workload of(List<ParsedRequest> requests, int... chunkSizes) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (ParsedRequest request : requests) {
                out.writeBytes(request.encode(chunkSizes));
            }
            return new Workload(out.toByteArray(), requests);
        }

        /** The bytes; a copy, since records hand out their fields. */
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }

    private static Workload minimalGet() {
        return Workload.of(List.of(new ParsedRequest("GET", "/", "HTTP/1.1", List.of(new Header("Host", "a")),
                new byte[0])));
    }

    private static Workload browserGetWorkload() {
        return Workload.of(List.of(browserGet()));
    }

    private static ParsedRequest browserGet() {
        // Chrome 124 on Windows following a link within a site; client hints are lower case as Chrome sends them.
        List<Header> headers = List.of(
                new Header("Host", "shop.example.com"),
                new Header("Connection", "keep-alive"),
                new Header("sec-ch-ua", "\"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\""),
                new Header("sec-ch-ua-mobile", "?0"),
                new Header("sec-ch-ua-platform", "\"Windows\""),
                new Header("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                        + " Chrome/124.0.0.0 Safari/537.36"),
                new Header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
                        + "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"),
                new Header("Sec-Fetch-Site", "same-origin"),
                new Header("Sec-Fetch-Mode", "navigate"),
                new Header("Sec-Fetch-Dest", "document"),
                new Header("Referer", "https://shop.example.com/"),
                new Header("Accept-Encoding", "gzip, deflate, br, zstd"),
                new Header("Accept-Language", "en-US,en;q=0.9"),
                new Header("Cookie", "session=3f9a1c27e4b84d0e; theme=dark; _ga=GA1.2.1234567890.1700000000"));
        return new ParsedRequest("GET", "/products/shoes?color=blue", "HTTP/1.1", headers,
                new byte[0]);
    }

    private static List<Header> postHeaders(Header framing) {
        return List.of(
                new Header("Host", "api.example.com"),
                new Header("User-Agent", "okhttp/4.12.0"),
                new Header("Accept", "application/json"),
                new Header("Content-Type", "application/json; charset=utf-8"),
                framing);
    }

    private static Workload post1KiB() {
        byte[] body = jsonBody(1024);
        return Workload.of(List.of(new ParsedRequest("POST", "/api/v1/orders", "HTTP/1.1",
                postHeaders(new Header("Content-Length", Integer.toString(body.length))), body)));
    }

    private static Workload chunkedPost1KiB() {
        byte[] body = jsonBody(1024);
        return Workload.of(List.of(new ParsedRequest("POST", "/api/v1/orders", "HTTP/1.1",
                postHeaders(new Header("Transfer-Encoding", "chunked")), body)), 400, 400, 224);
    }

    private static Workload pipelinedGets() {
        return Workload.of(Collections.nCopies(16, browserGet()));
    }

    /** A JSON array of order lines, padded with spaces to exactly {@code length} bytes. */
    private static byte[] jsonBody(int length) {
        StringBuilder json = new StringBuilder("{\"lines\":[");
        for (int i = 0; json.length() + 60 < length; i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"sku\":\"TR-").append(4200 + i).append("\",\"qty\":").append(1 + i % 3)
                    .append(",\"price\":\"89.90\"}");
        }
        json.append("]}");
        while (json.length() < length) {
            json.insert(json.length() - 2, ' ');
        }
        return json.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
