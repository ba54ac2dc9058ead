/** Custom {@link dev.devproxy.MetricsSink}s: one that logs each request, one that counts per route. */
@NullMarked
package dev.devproxy.examples.metrics;

import org.jspecify.annotations.NullMarked;
