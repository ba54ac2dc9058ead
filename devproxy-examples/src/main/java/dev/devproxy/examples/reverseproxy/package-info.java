/** DevProxy as a reverse proxy in front of a local HTTP server, under {@code /proxy}. */
@NullMarked
package dev.devproxy.examples.reverseproxy;

import org.jspecify.annotations.NullMarked;
