package dev.devproxy.examples.weather;

import org.jspecify.annotations.Nullable;

/** The weather service failed, timed out, or answered something the client does not understand. */
public final class WeatherException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong
     * @param cause the underlying failure, or null
     */
    public WeatherException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
