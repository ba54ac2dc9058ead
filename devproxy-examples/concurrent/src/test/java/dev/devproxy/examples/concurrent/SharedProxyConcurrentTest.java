package dev.devproxy.examples.concurrent;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.devproxy.DevProxy;
import dev.devproxy.examples.weather.WeatherClient;
import dev.devproxy.junit.DevProxyTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One proxy for the class under JUnit's concurrent mode (this module's {@code junit-platform.properties}
 * turns on parallel execution with every class and test concurrent):
 * {@code @DevProxyTest} locks the class, so its tests take turns with the shared proxy while other classes run
 * at the same time. Each test stubs the same path its own way; sharing the proxy at once would mix them up.
 */
@DevProxyTest
class SharedProxyConcurrentTest {

    @BeforeAll
    static void stubForEveryTest(DevProxy proxy) {
        proxy.stubFor(get("/v1/cities").willReturn(json(200, "[\"Paris\", \"Oslo\"]")));
    }

    @Test
    void paris(DevProxy proxy) {
        checkForecast(proxy, "Paris", "Sunny");
    }

    @Test
    void oslo(DevProxy proxy) {
        checkForecast(proxy, "Oslo", "Snow");
    }

    @Test
    void lima(DevProxy proxy) {
        checkForecast(proxy, "Lima", "Fog");
    }

    @Test
    void citiesComeFromTheBeforeAllStub(DevProxy proxy) {
        WeatherClient client = new WeatherClient(proxy.baseUri(), "key", Duration.ofSeconds(5));

        assertEquals(java.util.List.of("Paris", "Oslo"), client.cities());
        assertEquals(1, proxy.journal().all().size(), "only this test's request");
    }

    private static void checkForecast(DevProxy proxy, String city, String summary) {
        proxy.stubFor(get("/v1/forecast").willReturn(json(200,
                "{\"city\": \"" + city + "\", \"temperature\": 1, \"summary\": \"" + summary + "\"}")));
        WeatherClient client = new WeatherClient(proxy.baseUri(), "key", Duration.ofSeconds(5));

        assertEquals(summary, client.forecast(city).summary());
        proxy.verify(1, get("/v1/forecast").withQueryParam("city", city));
        assertEquals(2, proxy.stubs().list().size(), "the @BeforeAll stub and this test's");
    }
}
