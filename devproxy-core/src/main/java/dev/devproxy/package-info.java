/**
 * DevProxy's public API: {@link dev.devproxy.DevProxy#builder()} to configure and start a proxy,
 * {@link dev.devproxy.Config} for settings (also from the environment), {@link dev.devproxy.Router} and
 * {@link dev.devproxy.Route} to decide what each request gets, and {@link dev.devproxy.MetricsSink} to observe
 * traffic. Everything under {@code dev.devproxy.internal} is implementation and may change in any release.
 */
@NullMarked
package dev.devproxy;

import org.jspecify.annotations.NullMarked;
