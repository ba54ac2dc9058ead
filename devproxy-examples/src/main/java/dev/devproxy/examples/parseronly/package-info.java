/**
 * devproxy-parser on its own, without the engine: a tiny blocking HTTP/1.1 server that reads sockets into direct
 * buffers and routes on the path and a header without allocating. Imports nothing of DevProxy but
 * {@code dev.devproxy.parser}.
 */
@NullMarked
package dev.devproxy.examples.parseronly;

import org.jspecify.annotations.NullMarked;
