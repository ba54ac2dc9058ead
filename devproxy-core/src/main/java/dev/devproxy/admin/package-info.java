/**
 * A Java client for the admin API of a DevProxy running in another JVM, process or container:
 * {@link dev.devproxy.admin.DevProxyAdmin}. It sends the stubs and patterns of {@code dev.devproxy.stub} in the
 * JSON form the admin API reads, so a stub means there what it means in the same JVM.
 */
@NullMarked
package dev.devproxy.admin;

import org.jspecify.annotations.NullMarked;
