/** Echo mode: the JSON description of a request. */
@NullMarked
package dev.devproxy.internal.echo;

import org.jspecify.annotations.NullMarked;
