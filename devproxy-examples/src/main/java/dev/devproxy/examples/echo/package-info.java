/** Embedding DevProxy in echo mode: start it on a free port and see what a client sends. */
@NullMarked
package dev.devproxy.examples.echo;

import org.jspecify.annotations.NullMarked;
