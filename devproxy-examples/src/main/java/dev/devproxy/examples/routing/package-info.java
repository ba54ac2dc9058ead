/** A custom {@link dev.devproxy.Router}: a maintenance switch, then routing on a request header. */
@NullMarked
package dev.devproxy.examples.routing;

import org.jspecify.annotations.NullMarked;
