package dev.devproxy.examples.weather;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client for a weather API, written the way application code usually is: a base URI, an API key, a
 * timeout, one retry on 503. It knows nothing of DevProxy; the tests point it at one.
 *
 * <ul>
 *   <li>{@code GET /v1/forecast?city=Paris} answers {@code {"city":"Paris","temperature":21.5,"summary":"Sunny"}}</li>
 *   <li>{@code GET /v1/cities} answers {@code ["Paris","Oslo"]}</li>
 *   <li>{@code POST /v1/observations} takes {@code {"city":"Paris","temperature":20.0}} and answers 201</li>
 * </ul>
 *
 * <p>Thread-safe. Every failure, including a timeout or a dropped connection, is a {@link WeatherException}.
 */
public final class WeatherClient {
    private static final Pattern STRING_FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern NUMBER_FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(-?\\d+(?:\\.\\d+)?)");
    private static final Pattern STRING = Pattern.compile("\"([^\"]*)\"");

    private final URI baseUri;
    private final String apiKey;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param baseUri the API's root, such as {@code https://weather.example/}
     * @param apiKey sent as {@code X-Api-Key}
     * @param timeout the most time one call may take
     */
    public WeatherClient(URI baseUri, String apiKey, Duration timeout) {
        this.baseUri = baseUri;
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    /** A forecast. */
    public record Forecast(String city, double temperature, String summary) {
    }

    /**
     * Today's forecast for {@code city}. A 503 is retried once.
     *
     * @throws WeatherException when the service fails, times out, or answers something unexpected
     */
    public Forecast forecast(String city) {
        URI uri = baseUri.resolve("/v1/forecast?city=" + URLEncoder.encode(city, StandardCharsets.UTF_8));
        HttpRequest request = get(uri);
        HttpResponse<String> response = send(request);
        if (response.statusCode() == 503) {
            response = send(request);
        }
        String body = expect(200, response);
        return new Forecast(field(STRING_FIELD, body, "city"), Double.parseDouble(field(NUMBER_FIELD, body, "temperature")),
                field(STRING_FIELD, body, "summary"));
    }

    /**
     * The cities the service knows.
     *
     * @throws WeatherException when the service fails or times out
     */
    public List<String> cities() {
        String body = expect(200, send(get(baseUri.resolve("/v1/cities"))));
        List<String> cities = new ArrayList<>();
        Matcher matcher = STRING.matcher(body);
        while (matcher.find()) {
            cities.add(matcher.group(1));
        }
        return cities;
    }

    /**
     * Reports a measured temperature.
     *
     * @throws WeatherException when the service does not accept it
     */
    public void report(String city, double temperature) {
        String json = String.format(Locale.ROOT, "{\"city\":\"%s\",\"temperature\":%.1f}", city, temperature);
        HttpRequest request = HttpRequest.newBuilder(baseUri.resolve("/v1/observations"))
                .timeout(timeout)
                .header("X-Api-Key", apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        expect(201, send(request));
    }

    private HttpRequest get(URI uri) {
        return HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("X-Api-Key", apiKey)
                .header("Accept", "application/json")
                .GET()
                .build();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new WeatherException("the weather service did not answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new WeatherException("cannot reach the weather service: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeatherException("interrupted", e);
        }
    }

    private static String expect(int status, HttpResponse<String> response) {
        if (response.statusCode() == 503) {
            throw new WeatherException("the weather service is unavailable (503)", null);
        }
        if (response.statusCode() != status) {
            throw new WeatherException("unexpected status " + response.statusCode() + " from "
                    + response.request().uri().getPath(), null);
        }
        return response.body();
    }

    private static String field(Pattern pattern, String body, String name) {
        Matcher matcher = pattern.matcher(body);
        while (matcher.find()) {
            if (matcher.group(1).equals(name)) {
                return matcher.group(2);
            }
        }
        throw new WeatherException("the answer has no \"" + name + "\": " + body, null);
    }
}
