/**
 * TLS material made in-process: X.509 certificates written as DER from public JDK APIs, a certificate authority
 * and the leaves it signs, and the key and trust managers that present or trust them. Nothing here touches a
 * socket or an event loop; certificates are made once, at start-up or on first use, off the hot path.
 */
@NullMarked
package dev.devproxy.internal.tls;

import org.jspecify.annotations.NullMarked;
