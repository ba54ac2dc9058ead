package dev.devproxy.internal.admin;

import org.jspecify.annotations.Nullable;

/**
 * A request the admin API refuses: the status, a message safe to send back, and the JSON field at fault
 * ({@code request.method}) when one is. Thrown by the JSON readers, answered by {@link AdminRouter}.
 */
final class AdminException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    final int status;
    final @Nullable String field;

    AdminException(int status, String message, @Nullable String field) {
        super(message);
        this.status = status;
        this.field = field;
    }

    /** No stack trace: it is an answer to send, not a failure to debug, and it is made per bad request. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** A 400 naming {@code field}. */
    static AdminException badField(String field, String message) {
        return new AdminException(400, message, field.isEmpty() ? null : field);
    }
}
