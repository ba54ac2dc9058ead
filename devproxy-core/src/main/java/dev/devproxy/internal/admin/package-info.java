/**
 * The admin API: its router under {@code /__admin/}, served on its own listener by the same event loops, and
 * the JSON forms of stubs, patterns, responses and journal entries that it and {@code dev.devproxy.admin} share.
 */
@NullMarked
package dev.devproxy.internal.admin;

import org.jspecify.annotations.NullMarked;
