/**
 * A consumer of DevProxy as a module: it requires only {@code dev.devproxy.core} (and the JDK's HTTP client),
 * and compiles and runs with neither JUnit nor jspecify on its module path.
 */
module dev.devproxy.examples.modular {
    requires dev.devproxy.core;
    requires java.net.http;
}
