/** The table of settings behind environment variables, command-line flags and {@code --help}. */
@NullMarked
package dev.devproxy.internal.config;

import org.jspecify.annotations.NullMarked;
