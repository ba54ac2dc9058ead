package dev.devproxy;

/**
 * Whether the HTTPS listener asks clients for a certificate (mutual TLS), as MockWebServer's
 * {@code requestClientAuth()} and {@code requireClientAuth()} do. A certificate a client presents is checked
 * against the issuers given with it, and shows on {@link RecordedRequest#clientCertificates()} and in echo.
 */
public enum TlsClientAuth {
    /** No certificate is asked for: the default. */
    NONE,
    /** A certificate is asked for; a client without one is served anyway. One that is not trusted fails its handshake. */
    REQUEST,
    /** A trusted certificate is required: a client without one fails its handshake. */
    REQUIRE
}
