/**
 * DevProxy: an embeddable HTTP/1.1 proxy. Exports the API ({@code dev.devproxy}), stubbing and the request
 * journal ({@code dev.devproxy.stub}) and the JUnit 5 extension ({@code dev.devproxy.junit}); everything under
 * {@code dev.devproxy.internal} stays inside. JUnit is needed only by those who use the extension.
 */
module dev.devproxy.core {
    requires transitive dev.devproxy.parser;
    requires static transitive org.jspecify;
    requires static transitive org.junit.jupiter.api;
    requires static org.junit.platform.commons;

    exports dev.devproxy;
    exports dev.devproxy.stub;
    exports dev.devproxy.junit;
}
