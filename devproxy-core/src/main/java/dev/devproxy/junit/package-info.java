/** A JUnit Jupiter extension that runs a {@link dev.devproxy.DevProxy} per test class or per test. */
@NullMarked
package dev.devproxy.junit;

import org.jspecify.annotations.NullMarked;
