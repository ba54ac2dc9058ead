/**
 * DevProxy: an embeddable HTTP/1.1 proxy. Exports the API ({@code dev.devproxy}), stubbing and the request
 * journal ({@code dev.devproxy.stub}), the JUnit 5 extension ({@code dev.devproxy.junit}) and the admin API's
 * client ({@code dev.devproxy.admin}, over the JDK's {@code java.net.http}); everything under
 * {@code dev.devproxy.internal} stays inside. JUnit is needed only by those who use the extension, and
 * jspecify only to compile DevProxy itself: a consumer that {@code requires dev.devproxy.core} compiles and
 * runs with neither on its module path. A test module using the extension requires
 * {@code org.junit.jupiter.api} itself, as it does to write tests.
 */
// Not `requires static transitive`: that makes javac resolve JUnit and jspecify for every consumer, and
// fail with "module not found" where they are absent. The pom turns off the "exports" lint this sets off.
module dev.devproxy.core {
    requires transitive dev.devproxy.parser;
    requires java.net.http;
    requires static org.jspecify;
    requires static org.junit.jupiter.api;
    requires static org.junit.platform.commons;

    exports dev.devproxy;
    exports dev.devproxy.stub;
    exports dev.devproxy.junit;
    exports dev.devproxy.admin;
}
