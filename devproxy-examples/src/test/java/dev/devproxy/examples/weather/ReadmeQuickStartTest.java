package dev.devproxy.examples.weather;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.devproxy.DevProxy;
import dev.devproxy.junit.DevProxyTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's quick start, verbatim: keep the two in step. */
@DevProxyTest
class ReadmeQuickStartTest {
    @Test
    void readsTheForecast(DevProxy proxy) {
        proxy.stubFor(get("/v1/forecast").withQueryParam("city", "Paris")
                .willReturn(json(200, "{\"city\": \"Paris\", \"temperature\": 21.5, \"summary\": \"Sunny\"}")));

        WeatherClient client = new WeatherClient(proxy.baseUri(), "my-key", Duration.ofSeconds(1));

        assertEquals("Sunny", client.forecast("Paris").summary());
        proxy.verify(get("/v1/forecast").withHeader("X-Api-Key", "my-key"));
    }
}
