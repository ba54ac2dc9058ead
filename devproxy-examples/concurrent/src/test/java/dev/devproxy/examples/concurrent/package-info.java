/**
 * The JUnit extension under JUnit's concurrent mode, turned on for every class and test by this module's
 * {@code junit-platform.properties}: a shared proxy per class, a proxy per test, and a static field asking
 * for one thread.
 */
package dev.devproxy.examples.concurrent;
