package dev.devproxy.stub;

import static dev.devproxy.stub.RequestMatchers.allOf;
import static dev.devproxy.stub.RequestMatchers.body;
import static dev.devproxy.stub.RequestMatchers.bodyContaining;
import static dev.devproxy.stub.RequestMatchers.header;
import static dev.devproxy.stub.RequestMatchers.headerMatching;
import static dev.devproxy.stub.RequestMatchers.headerPresent;
import static dev.devproxy.stub.RequestMatchers.jsonBody;
import static dev.devproxy.stub.RequestMatchers.matching;
import static dev.devproxy.stub.RequestMatchers.method;
import static dev.devproxy.stub.RequestMatchers.path;
import static dev.devproxy.stub.RequestMatchers.pathGlob;
import static dev.devproxy.stub.RequestMatchers.pathMatching;
import static dev.devproxy.stub.RequestMatchers.pathStartingWith;
import static dev.devproxy.stub.RequestMatchers.queryParam;
import static dev.devproxy.stub.RequestMatchers.queryParamPresent;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.RequestPattern.post;
import static dev.devproxy.stub.StubKit.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each matcher on requests built by hand: what it accepts, what it rejects, and how it says why. */
class RequestMatchersTest {

    @Test
    void methodIsCaseSensitive() {
        assertTrue(method("GET").matches(request("GET", "/", "")));
        assertFalse(method("GET").matches(request("get", "/", "")));
        assertEquals(List.of("method: expected GET but was POST"), method("GET").mismatches(request("POST", "/", "")));
    }

    @Test
    void exactPathIgnoresTheQueryAndIsNotDecoded() {
        assertTrue(path("/users").matches(request("GET", "/users?page=2", "")));
        assertFalse(path("/users").matches(request("GET", "/users/", "")));
        assertFalse(path("/a b").matches(request("GET", "/a%20b", "")));
        assertEquals(List.of("path: expected \"/users\" but was \"/user\""), path("/users").mismatches(request("GET", "/user", "")));
    }

    @Test
    void pathPrefixMatchesEverythingBelowIt() {
        assertTrue(pathStartingWith("/api/").matches(request("GET", "/api/users/1", "")));
        assertFalse(pathStartingWith("/api/").matches(request("GET", "/apiary", "")));
        assertEquals(List.of("path: expected to start with \"/api/\" but was \"/apiary\""),
                pathStartingWith("/api/").mismatches(request("GET", "/apiary", "")));
    }

    @ParameterizedTest(name = "glob {0} on {1}: {2}")
    @CsvSource({
            "/users/*, /users/42, true",
            "/users/*, /users/42/orders, false",
            "/users/*, /users/, true",
            "/static/**, /static/css/site.css, true",
            "/static/**, /static, false",
            "/file.???, /file.txt, true",
            "/file.???, /file.text, false",
            "/a.b/*, /aXb/c, false",
            "/v1/*/items, /v1/x/items, true",
    })
    void globStarsStayWithinASegmentAndDoubleStarsCrossThem(String glob, String path, boolean matches) {
        assertEquals(matches, pathGlob(glob).matches(request("GET", path, "")));
    }

    @Test
    void pathRegexMustMatchTheWholePath() {
        assertTrue(pathMatching("/users/\\d+").matches(request("GET", "/users/42", "")));
        assertFalse(pathMatching("/users/\\d+").matches(request("GET", "/users/42/x", "")));
        assertEquals(List.of("path: expected to match regex \"/users/\\d+\" but was \"/users/x\""),
                pathMatching("/users/\\d+").mismatches(request("GET", "/users/x", "")));
    }

    @Test
    void aPathThatDoesNotStartWithASlashIsRejectedWithAHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> path("users"));
        assertTrue(e.getMessage().contains("queryParam"), e.getMessage());
    }

    @Test
    void queryParametersAreComparedDecodedAndAnyRepeatedValueCounts() {
        RecordedRequest request = request("GET", "/search?q=caf%C3%A9+au+lait&tag=a&tag=b&flag", "");
        assertTrue(queryParam("q", "café au lait").matches(request));
        assertTrue(queryParam("tag", "b").matches(request));
        assertTrue(queryParam("flag", "").matches(request));
        assertTrue(queryParamPresent("flag").matches(request));
        assertFalse(queryParamPresent("missing").matches(request));
        assertEquals(List.of("query parameter tag: expected \"c\" but was [\"a\", \"b\"]"),
                queryParam("tag", "c").mismatches(request));
        assertEquals(List.of("query parameter page: expected \"2\" but was absent (no query)"),
                queryParam("page", "2").mismatches(request("GET", "/users", "")));
    }

    @Test
    void aStrayPercentInTheQueryIsComparedAsSent() {
        assertTrue(queryParam("discount", "50%").matches(request("GET", "/?discount=50%", "")));
    }

    @Test
    void headerNamesIgnoreCaseButValuesDoNot() {
        RecordedRequest request = request("GET", "/", "", "Accept", "application/json", "X-Trace", "abc-123");
        assertTrue(header("accept", "application/json").matches(request));
        assertFalse(header("Accept", "Application/JSON").matches(request));
        assertTrue(headerPresent("x-trace").matches(request));
        assertTrue(headerMatching("X-Trace", "[a-z]+-\\d+").matches(request));
        assertFalse(headerMatching("X-Trace", "\\d+").matches(request));
        assertEquals(List.of("header Authorization: expected present but was absent"),
                headerPresent("Authorization").mismatches(request));
        assertEquals(List.of("header Accept: expected \"text/html\" but was [\"application/json\"]"),
                header("Accept", "text/html").mismatches(request));
    }

    @Test
    void bodyMatchersCompareTextBytesAndSubstrings() {
        RecordedRequest request = request("POST", "/", "hello world");
        assertTrue(body("hello world").matches(request));
        assertFalse(body("hello").matches(request));
        assertTrue(body("hello world".getBytes(StandardCharsets.UTF_8)).matches(request));
        assertTrue(bodyContaining("o w").matches(request));
        assertEquals(List.of("body: expected to contain \"bye\" but was \"hello world\""),
                bodyContaining("bye").mismatches(request));
        assertEquals(List.of("body: expected \"x\" but was empty"), body("x").mismatches(request("POST", "/", "")));
    }

    @Test
    void aBodyCutByTheJournalCapSaysSoInTheMismatch() {
        byte[] kept = "abc".getBytes(StandardCharsets.UTF_8);
        RecordedRequest cut = new RecordedRequest("POST", "/", "/", null, "HTTP/1.1", List.of(), kept, 10,
                "127.0.0.1:1", Instant.now());
        String mismatch = body("abcdefghij").mismatches(cut).get(0);
        assertTrue(mismatch.contains("only the first 3 of 10 bytes were kept"), mismatch);
    }

    @Test
    void jsonBodyIgnoresWhitespaceKeyOrderAndNumberSpelling() {
        RequestMatcher matcher = jsonBody("{\"name\": \"Ann\", \"tags\": [\"a\", \"b\"], \"age\": 30}");
        assertTrue(matcher.matches(request("POST", "/", "{\"age\":30.0,\"tags\":[\"a\",\"b\"],\n \"name\":\"Ann\"}")));
        assertFalse(matcher.matches(request("POST", "/", "{\"age\":30,\"tags\":[\"b\",\"a\"],\"name\":\"Ann\"}")));
        assertFalse(matcher.matches(request("POST", "/", "{\"age\":30,\"tags\":[\"a\",\"b\"],\"name\":\"Ann\",\"x\":1}")));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"user\":{\"name\":\"Bob\"}}                 | JSON body $.user.name: expected \"Ann\" but was \"Bob\"",
            "{\"user\":{}}                                  | JSON body $.user.name: expected \"Ann\" but was absent",
            "{\"user\":{\"name\":\"Ann\",\"admin\":true}}  | JSON body $.user.admin: not expected, but was true",
            "[1]                                             | JSON body $: expected {\"user\":{\"name\":\"Ann\"}} but was [1]",
    })
    void aJsonMismatchNamesTheFirstPlaceThatDiffers(String actual, String expected) {
        assertEquals(List.of(expected), jsonBody("{\"user\": {\"name\": \"Ann\"}}").mismatches(request("POST", "/", actual)));
    }

    @Test
    void aBodyThatIsNotJsonIsReportedWithWhereItBroke() {
        String mismatch = jsonBody("{}").mismatches(request("POST", "/", "{\"a\":}")).get(0);
        assertTrue(mismatch.startsWith("body: expected JSON {} but was not JSON: unexpected '}', expected a value at"
                + " offset 5"), mismatch);
    }

    @ParameterizedTest(name = "invalid JSON {0}")
    @CsvSource(delimiter = '|', value = {"{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "tru", "{\"a\":1,\"a\":2}", "[1] x"})
    void anInvalidExpectedJsonFailsWhereTheStubIsWritten(String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jsonBody(json));
        assertTrue(e.getMessage().startsWith("not JSON: "), e.getMessage());
    }

    @Test
    void deeplyNestedJsonIsRejectedInsteadOfOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jsonBody(deep));
        assertTrue(e.getMessage().contains("nested deeper than"), e.getMessage());
    }

    @Test
    void jsonStringsDecodeEveryEscape() {
        assertTrue(jsonBody("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\"")
                .matches(request("POST", "/", "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\té\"")));
    }

    @Test
    void onlyBodyMatchersNeedTheBody() {
        assertFalse(get("/x").withHeader("A", "b").withQueryParam("q", "1").needsBody());
        assertTrue(post("/x").withJsonBody("{}").needsBody());
        assertTrue(((RequestMatcher) request -> true).needsBody());
        assertFalse(matching("a custom head check", false, request -> true).needsBody());
    }

    @Test
    void aPatternReportsEveryConditionItMisses() {
        RequestPattern pattern = post("/users").withHeader("Content-Type", "application/json").withBodyContaining("Ann");
        assertEquals("POST /users with header Content-Type = \"application/json\", body containing \"Ann\"",
                pattern.describe());
        assertEquals(List.of("method: expected POST but was GET", "header Content-Type: expected \"application/json\" but was absent",
                "body: expected to contain \"Ann\" but was empty"), pattern.mismatches(request("GET", "/users", "")));
        assertTrue(pattern.mismatches(request("POST", "/users", "Ann", "content-type", "application/json")).isEmpty());
    }

    @Test
    void allOfFlattensAndDescribesItsParts() {
        RequestMatcher both = allOf(method("GET"), path("/a")).and(headerPresent("X"));
        assertEquals("GET, path \"/a\", header X present", both.describe());
        assertEquals(3, both.mismatches(request("POST", "/b", "")).size());
    }

    @Test
    void aLambdaMatcherSaysItIsCustomWhenItFails() {
        RequestMatcher custom = request -> false;
        assertEquals(1, custom.mismatches(request("GET", "/", "")).size());
        assertEquals(List.of("did not match a custom matcher"), custom.mismatches(request("GET", "/", "")));
        assertEquals(List.of("not an even body length"),
                matching("an even body length", true, r -> r.bodyLength() % 2 == 0).mismatches(request("GET", "/", "x")));
    }

    @Test
    void longValuesAreCutShortInMessages() {
        String big = "x".repeat(5000);
        String mismatch = body("y").mismatches(request("POST", "/", big)).get(0);
        assertTrue(mismatch.length() < 400, mismatch);
        assertTrue(mismatch.contains("... (5000 bytes)"), mismatch);
    }
}
