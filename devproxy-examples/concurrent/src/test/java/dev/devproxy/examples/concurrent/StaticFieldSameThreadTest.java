package dev.devproxy.examples.concurrent;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.devproxy.DevProxy;
import dev.devproxy.examples.weather.WeatherClient;
import dev.devproxy.junit.DevProxyExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A static extension field, shared by the class, under JUnit's concurrent mode: no lock comes with a field, so
 * the class says {@code @Execution(SAME_THREAD)} (without it, the class fails before its first test with a
 * message saying to add it). It still runs at the same time as the other classes.
 */
@Execution(ExecutionMode.SAME_THREAD)
class StaticFieldSameThreadTest {
    @RegisterExtension
    static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().ioThreads(1));

    @Test
    void first() {
        assertEquals("Sunny", forecast("Sunny"));
    }

    @Test
    void second() {
        assertEquals("Rain", forecast("Rain"));
    }

    private static String forecast(String summary) {
        devProxy.stubFor(get("/v1/forecast").willReturn(json(200,
                "{\"city\": \"Paris\", \"temperature\": 1, \"summary\": \"" + summary + "\"}")));
        return new WeatherClient(devProxy.baseUri(), "key", Duration.ofSeconds(5)).forecast("Paris").summary();
    }
}
