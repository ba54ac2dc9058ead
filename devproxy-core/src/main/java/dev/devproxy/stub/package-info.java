/**
 * Stubs, a request journal and verification: stub upstream routes, pass the rest through, check what was sent.
 */
@NullMarked
package dev.devproxy.stub;

import org.jspecify.annotations.NullMarked;
