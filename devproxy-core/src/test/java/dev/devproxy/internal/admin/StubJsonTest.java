package dev.devproxy.internal.admin;

import static dev.devproxy.stub.RequestMatchers.matching;
import static dev.devproxy.stub.RequestMatchers.pathGlob;
import static dev.devproxy.stub.RequestMatchers.pathMatching;
import static dev.devproxy.stub.RequestMatchers.pathStartingWith;
import static dev.devproxy.stub.RequestPattern.anyRequest;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.RequestPattern.post;
import static dev.devproxy.stub.Responses.json;
import static dev.devproxy.stub.Responses.status;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.Fault;
import dev.devproxy.RecordedRequest;
import dev.devproxy.Response;
import dev.devproxy.internal.stub.Json;
import dev.devproxy.stub.RequestMatchers;
import dev.devproxy.stub.Stub;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JSON form of stubs: every built-in matcher and response option written and read back to the same meaning. */
class StubJsonTest {

    private static Stub roundTrip(Stub stub) {
        String json = Json.write(StubJson.write(stub));
        Stub back = StubJsonReader.readStub(Json.parse(json));
        assertEquals(json, Json.write(StubJson.write(back)), "written again, the same JSON");
        return back;
    }

    private static RecordedRequest request(String method, String target, String body, String... headers) {
        int q = target.indexOf('?');
        List<Map.Entry<String, String>> fields = new java.util.ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            fields.add(Map.entry(headers[i], headers[i + 1]));
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new RecordedRequest(method, target, q < 0 ? target : target.substring(0, q),
                q < 0 ? null : target.substring(q + 1), "HTTP/1.1", fields, bytes, bytes.length, "127.0.0.1:1",
                Instant.EPOCH);
    }

    @Test
    void everyBuiltInMatcherHasAFormThatMeansTheSame() {
        Stub stub = post("/api/users").withQueryParam("page", "1").withQueryParamPresent("debug")
                .withHeader("Accept", "application/json").withHeaderPresent("X-Trace")
                .withHeaderMatching("X-Id", "[0-9]+").withBodyContaining("Ann").withJsonBody("{\"name\": \"Ann\"}")
                .willReturn(json(201, "{\"id\": 1}")).times(2).named("create");
        Stub back = roundTrip(stub);
        assertEquals(stub.describe(), back.describe());
        RecordedRequest hit = request("POST", "/api/users?page=1&debug", "{\"name\":\"Ann\"}", "Accept",
                "application/json", "X-Trace", "a", "X-Id", "42");
        assertTrue(back.matcher().matches(hit));
        RecordedRequest miss = request("POST", "/api/users?page=1&debug", "{\"name\":\"Bob\"}", "Accept",
                "application/json", "X-Trace", "a", "X-Id", "42");
        assertFalse(back.matcher().matches(miss));
        assertEquals(2, back.maxUses());
        assertEquals("create", back.name());
    }

    @Test
    void pathFormsAndBodyEqualityRoundTrip() {
        for (Stub stub : List.of(anyRequest().and(pathStartingWith("/api/")).willReturn(status(204)),
                get(pathGlob("/users/*")).willReturn(status(204)),
                get(pathMatching("/users/[0-9]+")).willReturn(status(204)),
                anyRequest().withBody("exact").willReturn(status(204)),
                anyRequest().and(RequestMatchers.body(new byte[] {(byte) 0xff, 0})).willReturn(status(204)),
                anyRequest().willReturn(status(204)))) {
            Stub back = roundTrip(stub); // the same JSON; the description may word the head differently
            for (String target : List.of("/api/x", "/users/42", "/users/4/2", "/")) {
                RecordedRequest request = request("GET", target, "exact");
                assertEquals(stub.matcher().matches(request), back.matcher().matches(request), stub + " " + target);
            }
        }
    }

    @Test
    void everyResponseOptionRoundTrips() {
        Response response = text(503, "down").header("Set-Cookie", "a=1").header("Set-Cookie", "b=2")
                .delay(Duration.ofMillis(10), Duration.ofNanos(20_500_000)).build();
        Stub stub = get("/x").willReturn(response).thenReturn(status(200).fault(Fault.dribbleBody(10)))
                .thenReturn(status(200).body(new byte[] {(byte) 0xc3})).thenReturn(status(200).fault(Fault.resetConnection()))
                .thenReturn(status(200).fault(Fault.closeWithoutResponse()))
                .thenReturn(status(200).fault(Fault.malformedResponse()));
        Stub back = roundTrip(stub);
        Response first = back.responses().get(0);
        assertEquals(503, first.status());
        assertEquals(response.headers(), first.headers());
        assertEquals("down", new String(first.body(), StandardCharsets.UTF_8));
        assertEquals(Duration.ofMillis(10), first.minDelay());
        assertEquals(Duration.ofNanos(20_500_000), first.maxDelay());
        assertEquals(Fault.dribbleBody(10), back.responses().get(1).fault());
        assertEquals(1, back.responses().get(2).body().length);
        assertEquals(Fault.resetConnection(), back.responses().get(3).fault());
    }

    @Test
    void aJsonBodyResponseGetsItsContentType() {
        Stub stub = StubJsonReader.readStub(Json.parse("{\"response\": {\"status\": 200, \"jsonBody\": {\"a\": [1, 2]}}}"));
        Response response = stub.responses().get(0);
        assertEquals("{\"a\":[1,2]}", new String(response.body(), StandardCharsets.UTF_8));
        assertEquals(List.of(Map.entry("Content-Type", "application/json")), response.headers());
    }

    @Test
    void aCustomMatcherIsRefusedByName() {
        Stub lambda = anyRequest().and(request -> true).willReturn(status(200));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StubJson.write(lambda));
        assertTrue(e.getMessage().contains("\"a custom matcher\" has no JSON form"), e.getMessage());
        Stub described = get("/x").and(matching("is Tuesday", false, request -> true)).willReturn(status(200));
        e = assertThrows(IllegalArgumentException.class, () -> StubJson.write(described));
        assertTrue(e.getMessage().contains("\"is Tuesday\" has no JSON form"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "{\"request\": {\"method\": 1}, \"response\": {\"status\": 200}}|request.method|expected a string, was a number",
        "{\"request\": {\"metod\": \"GET\"}, \"response\": {\"status\": 200}}|request.metod|unknown field",
        "{\"request\": {\"method\": \"G T\"}, \"response\": {\"status\": 200}}|request.method|not a method token",
        "{\"request\": {\"path\": \"x\"}, \"response\": {\"status\": 200}}|request.path|a path starts with '/'",
        "{\"request\": {\"path\": \"/a\", \"pathGlob\": \"/b\"}, \"response\": {\"status\": 200}}|request.pathGlob|give one of path",
        "{\"request\": {\"pathMatching\": \"(\"}, \"response\": {\"status\": 200}}|request.pathMatching|not a regular expression",
        "{\"request\": {\"headers\": [{\"name\": \"A\"}]}, \"response\": {\"status\": 200}}|request.headers[0].equalTo|give exactly one of equalTo, present or matches",
        "{\"request\": {\"headers\": {\"A\": \"b\"}}, \"response\": {\"status\": 200}}|request.headers|expected an array, was an object",
        "{\"request\": {\"body\": [{\"json\": 1, \"contains\": \"x\"}]}, \"response\": {\"status\": 200}}|request.body[0].equalTo|give exactly one of",
        "{\"request\": {}}|response|required",
        "{\"response\": {\"status\": 99}}|response.status|must be 200 to 599, was 99",
        "{\"response\": {\"status\": 200.5}}|response.status|expected a whole number",
        "{\"response\": {\"status\": \"200\"}}|response.status|expected a string|",
        "{\"response\": {\"status\": 200, \"headers\": {\"Content-Length\": \"1\"}}}|response.headers.Content-Length|the engine sets",
        "{\"response\": {\"status\": 200, \"headers\": {\"A\": 1}}}|response.headers.A|expected a string, was a number",
        "{\"response\": {\"status\": 200, \"delayMs\": -1}}|response.delayMs|must not be negative",
        "{\"response\": {\"status\": 200, \"fault\": {\"type\": \"boom\"}}}|response.fault.type|unknown fault",
        "{\"response\": {\"status\": 200, \"fault\": {\"type\": \"dribbleBody\"}}}|response.fault.bytesPerSecond|required",
        "{\"response\": {\"status\": 200}, \"times\": 0}|times|must be 1 to",
        "{\"response\": {\"status\": 200}, \"id\": \"1\"}|id|unknown field",
        "[]||expected an object, was an array",
    })
    void badInputNamesTheField(String json, String field, String message) {
        AdminException e = assertThrows(AdminException.class, () -> StubJsonReader.readStub(Json.parse(json)));
        assertEquals(field == null ? null : field, e.field, e.getMessage());
        if (!message.equals("expected a string")) {
            assertTrue(e.getMessage().contains(message), e.getMessage());
        }
        assertEquals(400, e.status);
    }
}
