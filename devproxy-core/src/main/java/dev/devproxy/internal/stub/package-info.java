/** The machinery behind {@code dev.devproxy.stub}: JSON comparison, the bounded journal and failure reports. */
@NullMarked
package dev.devproxy.internal.stub;

import org.jspecify.annotations.NullMarked;
