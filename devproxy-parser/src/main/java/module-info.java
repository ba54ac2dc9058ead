/**
 * DevProxy's HTTP/1.1 parser: a strict, incremental request and response parser with no dependency but
 * jspecify's annotations, which are needed only to compile the parser itself. Not {@code requires static
 * transitive}: that would make javac look for jspecify in every consumer's compilation, failing with "module
 * not found: org.jspecify" where it is absent.
 */
module dev.devproxy.parser {
    requires static org.jspecify;

    exports dev.devproxy.parser;
}
