/** Benchmarks of {@code dev.devproxy.internal.metrics}, the built-in metrics sink. */
@NullMarked
package dev.devproxy.jmh.metrics;

import org.jspecify.annotations.NullMarked;
