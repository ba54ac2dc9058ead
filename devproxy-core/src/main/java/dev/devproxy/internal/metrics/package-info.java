/** The built-in metrics sink and its Prometheus rendering, and the guard around user sinks. */
@NullMarked
package dev.devproxy.internal.metrics;

import org.jspecify.annotations.NullMarked;
