package dev.devproxy.jmh.tls;

import dev.devproxy.internal.tls.CertificateMaker;
import dev.devproxy.internal.tls.TlsIdentity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What making a certificate costs once the JVM is warm: the HTTPS listener makes a CA and a leaf for
 * {@code localhost} at start when it is given no keystore, and tests make them per proxy. Each benchmark makes a
 * new EC P-256 key pair and signs with ECDSA-SHA256; the certificate is parsed back by the JDK's
 * {@code CertificateFactory}, as the maker checks every certificate it writes. The goal is under 50 ms each.
 *
 * <pre>
 * java -jar devproxy-jmh/target/benchmarks.jar CertificateBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CertificateBenchmark {
    private static final Duration VALIDITY = Duration.ofDays(1);
    private TlsIdentity authority;

    @Setup
    public void makeAuthority() {
        authority = CertificateMaker.certificateAuthority("Benchmark CA", VALIDITY);
    }

    /** A self-signed CA: a key pair and one signature. */
    @Benchmark
    public TlsIdentity certificateAuthority() {
        return CertificateMaker.certificateAuthority("Benchmark CA", VALIDITY);
    }

    /** A leaf for localhost and its loopback addresses, signed by the CA: the HTTPS listener's own. */
    @Benchmark
    public TlsIdentity leafForLocalhost() {
        return CertificateMaker.leaf(authority, List.of("localhost", "127.0.0.1", "::1"), VALIDITY);
    }
}
