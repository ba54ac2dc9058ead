/** The standalone proxy's entry point: {@code java -jar devproxy-core.jar}. Not API: run it, don't call it. */
@NullMarked
package dev.devproxy.internal.cli;

import org.jspecify.annotations.NullMarked;
