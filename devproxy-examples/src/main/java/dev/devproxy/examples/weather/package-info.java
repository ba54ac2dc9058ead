/** A small HTTP client for a weather API: the code under test in DevProxy's stubbing examples. */
@NullMarked
package dev.devproxy.examples.weather;

import org.jspecify.annotations.NullMarked;
