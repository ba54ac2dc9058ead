/**
 * Benchmarks of {@code dev.devproxy.parser}: {@link dev.devproxy.jmh.parser.RequestParserBenchmark} parses the
 * same bytes with DevProxy's, Netty's and Jetty's HTTP/1.1 request parsers.
 */
@NullMarked
package dev.devproxy.jmh.parser;

import org.jspecify.annotations.NullMarked;
