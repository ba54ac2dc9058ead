package dev.devproxy.examples.concurrent;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.devproxy.DevProxy;
import dev.devproxy.examples.weather.WeatherClient;
import dev.devproxy.junit.DevProxyTest;
import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A proxy per test under JUnit's concurrent mode: the tests of this class really do run at the same time (each
 * waits at a barrier for the other two, which fails after 10 s if JUnit ran them one by one), and each sees
 * only its own stubs and requests.
 */
@DevProxyTest(proxyPerTest = true)
class ProxyPerTestConcurrentTest {
    private static final CyclicBarrier ALL_THREE = new CyclicBarrier(3);

    @Test
    void paris(DevProxy proxy) throws Exception {
        checkForecast(proxy, "Paris", "Sunny");
    }

    @Test
    void oslo(DevProxy proxy) throws Exception {
        checkForecast(proxy, "Oslo", "Snow");
    }

    @Test
    void lima(DevProxy proxy) throws Exception {
        checkForecast(proxy, "Lima", "Fog");
    }

    private static void checkForecast(DevProxy proxy, String city, String summary) throws Exception {
        proxy.stubFor(get("/v1/forecast").willReturn(json(200,
                "{\"city\": \"" + city + "\", \"temperature\": 1, \"summary\": \"" + summary + "\"}")));
        ALL_THREE.await(10, TimeUnit.SECONDS); // every test has stubbed before any sends

        WeatherClient client = new WeatherClient(proxy.baseUri(), "key", Duration.ofSeconds(5));

        assertEquals(summary, client.forecast(city).summary());
        assertEquals(1, proxy.journal().all().size(), "only this test's request");
    }
}
