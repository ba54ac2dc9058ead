/** Benchmarks of a running DevProxy over loopback sockets. */
@NullMarked
package dev.devproxy.jmh.engine;

import org.jspecify.annotations.NullMarked;
