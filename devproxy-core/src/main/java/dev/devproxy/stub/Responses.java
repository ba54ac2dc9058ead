package dev.devproxy.stub;

import dev.devproxy.Fault;
import dev.devproxy.Response;
import dev.devproxy.internal.stub.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Responses for stubs, as builders so that a delay or fault can follow:
 * {@code json(200, "[]").delay(Duration.ofSeconds(2))}. Each factory reads what it needs at once, on the
 * caller's thread, so that a missing file fails where the stub is written and the event loop never reads
 * a disk.
 */
public final class Responses {
    private Responses() {
    }

    /**
     * An empty response with {@code status}, 200 to 599.
     *
     * @param status the status code, 200 to 599
     * @return a new builder
     * @throws IllegalArgumentException when out of range
     */
    public static Response.Builder status(int status) {
        return Response.newBuilder(status);
    }

    /**
     * An empty 200 response.
     *
     * @return a new builder
     */
    public static Response.Builder ok() {
        return Response.newBuilder(200);
    }

    /**
     * A {@code text/plain; charset=utf-8} response.
     *
     * @param status the status code, 200 to 599
     * @param body the body text, encoded as UTF-8
     * @return a new builder
     * @throws IllegalArgumentException when {@code status} is out of range
     */
    public static Response.Builder text(int status, String body) {
        return Response.newBuilder(status).header("Content-Type", "text/plain; charset=utf-8").body(body);
    }

    /**
     * An {@code application/json} response. The body is checked to be JSON, so that a typo in a fixture fails
     * here; for a deliberately broken body use {@code status(200).header("Content-Type", ...).body(...)}.
     *
     * @param status the status code, 200 to 599
     * @param json the body, a JSON document
     * @return a new builder
     * @throws IllegalArgumentException when {@code json} is not JSON, with the offset of the problem
     */
    public static Response.Builder json(int status, String json) {
        Json.parse(json);
        return Response.newBuilder(status).header("Content-Type", "application/json").body(json);
    }

    /**
     * A response with these bytes (copied) as its body and {@code contentType}.
     *
     * @param status the status code, 200 to 599
     * @param body the body bytes
     * @param contentType the {@code Content-Type} field value, such as {@code image/png}
     * @return a new builder
     * @throws IllegalArgumentException when {@code status} is out of range or {@code contentType} is not a valid
     *     field value
     */
    public static Response.Builder bytes(int status, byte[] body, String contentType) {
        return Response.newBuilder(status).header("Content-Type", contentType).body(body);
    }

    /**
     * A response whose body is the class-path resource {@code name} (such as {@code fixtures/users.json},
     * with or without a leading {@code /}), read now through the thread's context class loader, and whose
     * content type is guessed from the extension ({@code .json}, {@code .html}, {@code .txt}, {@code .xml},
     * {@code .csv}; anything else is {@code application/octet-stream}).
     *
     * @param status the status code, 200 to 599
     * @param name the resource's name
     * @return a new builder
     * @throws IllegalArgumentException when there is no such resource
     * @throws UncheckedIOException when it cannot be read
     */
    public static Response.Builder resource(int status, String name) {
        String path = name.startsWith("/") ? name.substring(1) : name;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = Responses.class.getClassLoader();
        }
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no class-path resource " + path
                        + "; resources are looked up from the class-path root, as in src/test/resources/" + path);
            }
            return bytes(status, in.readAllBytes(), contentType(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class-path resource " + path, e);
        }
    }

    /**
     * A response whose body is the file {@code file}, read now, with a content type guessed as for
     * {@link #resource}.
     *
     * @param status the status code, 200 to 599
     * @param file the file to read
     * @return a new builder
     * @throws UncheckedIOException when the file cannot be read
     */
    public static Response.Builder file(int status, Path file) {
        try {
            return bytes(status, Files.readAllBytes(file), contentType(file.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    /**
     * A response that simulates {@code fault} instead of answering normally, such as
     * {@code fault(Fault.resetConnection())}; see {@link Fault} for what each one does. For
     * {@link Fault#dribbleBody} give the response to dribble instead: {@code json(200, "...").fault(...)}.
     *
     * @param fault the fault to simulate
     * @return a new builder with status 200
     */
    public static Response.Builder fault(Fault fault) {
        return Response.newBuilder(200).fault(fault);
    }

    private static String contentType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        String extension = dot < 0 ? "" : lower.substring(dot + 1);
        return switch (extension) {
            case "json" -> "application/json";
            case "html", "htm" -> "text/html; charset=utf-8";
            case "txt" -> "text/plain; charset=utf-8";
            case "xml" -> "application/xml";
            case "csv" -> "text/csv; charset=utf-8";
            default -> "application/octet-stream";
        };
    }
}
