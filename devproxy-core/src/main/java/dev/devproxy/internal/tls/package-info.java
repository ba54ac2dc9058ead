/**
 * TLS: the transport layer and the material it presents.
 *
 * <h2>What it owns</h2>
 * {@link dev.devproxy.internal.tls.TlsTransport}, an {@code SSLEngine} layered over another transport (the
 * socket's), for the HTTPS listener ({@link dev.devproxy.internal.tls.ServerTls}: identity, context, and what a
 * plain-HTTP peer is answered) and for HTTPS upstreams ({@link dev.devproxy.internal.tls.ClientTls}: the client
 * context, SNI, hostname verification, why a handshake failed); {@link dev.devproxy.internal.tls.TlsEngines},
 * how every engine is configured; and the material: X.509 certificates written as DER from public JDK APIs
 * ({@link dev.devproxy.internal.tls.CertificateMaker}), and {@link dev.devproxy.internal.tls.TlsIdentity}, a key
 * with its chain and the key and trust managers that present or trust it. For HTTPS interception,
 * {@link dev.devproxy.internal.tls.InterceptionCa}, the CA that signs a leaf per intercepted host with one shared
 * key, and {@link dev.devproxy.internal.tls.LeafCache}, the leaves made so far.
 *
 * <h2>Threading and buffers</h2>
 * A transport is confined to its connection's loop, as every transport is; contexts are shared and thread-safe.
 * Encrypted bytes sit in the loop's record buffers only while in flight (see {@code TlsTransport}). Certificates
 * and contexts are made once, at start, off the loops; the one exception is the JDK's default client context,
 * made on first use when no HTTPS upstream was configured at start (its trust store is read then, once), and
 * interception's leaves, each made on the leaf cache's own thread when its host is first asked for.
 */
@NullMarked
package dev.devproxy.internal.tls;

import org.jspecify.annotations.NullMarked;
