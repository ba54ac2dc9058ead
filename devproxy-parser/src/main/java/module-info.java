/**
 * DevProxy's HTTP/1.1 parser: a strict, incremental request and response parser with no dependency but
 * jspecify's annotations, which are needed only at compile time.
 */
module dev.devproxy.parser {
    requires static transitive org.jspecify;

    exports dev.devproxy.parser;
}
