package dev.devproxy.admin;

import org.jspecify.annotations.Nullable;

/**
 * The admin API refused a request: its status, its message and the JSON field it named, such as
 * {@code request.method}. Thrown by {@link DevProxyAdmin}.
 */
public final class AdminApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The answer's HTTP status. */
    private final int status;
    /** The JSON field the answer named, or null. */
    private final @Nullable String field;

    /**
     * An answer of the admin API that is not a success.
     *
     * @param status the HTTP status, such as 400
     * @param message the {@code error} member of the answer, or its body
     * @param field the {@code field} member, or null when the answer named none
     */
    public AdminApiException(int status, String message, @Nullable String field) {
        super(status + " " + message + (field == null ? "" : " (field " + field + ")"));
        this.status = status;
        this.field = field;
    }

    /**
     * The HTTP status of the answer.
     *
     * @return the status, such as 400, 401, 404 or 409
     */
    public int status() {
        return status;
    }

    /**
     * The JSON field the admin API found at fault.
     *
     * @return the field's path, such as {@code response.status}, or null when none was named
     */
    public @Nullable String field() {
        return field;
    }
}
