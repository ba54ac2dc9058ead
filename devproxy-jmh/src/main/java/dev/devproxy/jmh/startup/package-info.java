/** How long DevProxy, WireMock and OkHttp's MockWebServer take from start-up to their first answer. */
@NullMarked
package dev.devproxy.jmh.startup;

import org.jspecify.annotations.NullMarked;
