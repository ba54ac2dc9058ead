package dev.devproxy.jmh.parser;

import dev.devproxy.jmh.parser.RequestInput.Workload;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parses the same request bytes with DevProxy's {@code RequestParser}, Netty's {@code HttpRequestDecoder} and
 * Jetty's {@code HttpParser}, and reports the time to parse the whole buffer and read out every part.
 *
 * <p>One operation is one complete {@link RequestInput}: all of its bytes, one request or sixteen pipelined
 * ones, from a heap buffer built in {@code @Setup}. Each parser is created once per trial and reused, as on a
 * keep-alive connection; each operation reads out the method, target, version, every header name and value
 * and every body run into a {@link Blackhole}. The variants:
 *
 * <ul>
 *   <li>{@code devproxy}: DevProxy building no {@code String}: target, names and values are copied as bytes
 *       into a scratch buffer, as a proxy forwarding the request would ({@link DevProxyDriver}).</li>
 *   <li>{@code devproxyStrings}: DevProxy making a {@code String} of the target and of every header name and
 *       value, as Netty and Jetty always do.</li>
 *   <li>{@code devproxyViews}: DevProxy copying nothing: views of the method, target and every name and value,
 *       and body runs as read-only slices ({@link DevProxyDriver#parseToViews}).</li>
 *   <li>{@code plainScan}: no parser, the baseline: a plain Java loop over the same {@code byte[]} counting
 *       CRLFCRLF, the end of each head. On the bodyless inputs it finds one per request, which is the least any
 *       parser must do; on the POSTs it also reads the body, which a parser skips by its length.</li>
 *   <li>{@code netty}: the decoder's {@code decode} called directly, without a channel around it
 *       ({@link NettyDriver#parseDirectly}).</li>
 *   <li>{@code nettyEmbeddedChannel}: the same decoder inside an {@code EmbeddedChannel}, as Netty's own
 *       {@code HttpRequestDecoderBenchmark} drives it; the extra time over {@code netty} is the pipeline.</li>
 *   <li>{@code jetty}: Jetty's parser configured as Jetty's server configures it, with its per-connection
 *       header cache, here always warm ({@link JettyDriver}).</li>
 * </ul>
 *
 * <p>Before measuring, {@code @Setup} runs every variant twice over its input through the very code the
 * benchmark methods run, records what it reported, and fails the trial unless every request came out with the
 * right method, target, version, header fields and body bytes. While measuring, each method also fails if the
 * number of requests it found is not the expected one.
 *
 * <p>Results are in ns per operation. Bytes per operation are constant for each input and printed at the
 * start of each trial; throughput in MB/s is {@code bytes / (ns/op) * 1000}. Allocation per operation is
 * {@code gc.alloc.rate.norm} from {@code -prof gc}. Run with:
 *
 * <pre>
 * ./mvnw -q -pl devproxy-jmh -am package -DskipTests
 * java -jar devproxy-jmh/target/benchmarks.jar RequestParserBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RequestParserBenchmark {
    /** The bytes to parse. */
    @Param
    public RequestInput input = RequestInput.MINIMAL_GET;

    private int expectedRequests;
    private ByteBuffer nioInput = ByteBuffer.allocate(0);
    private ByteBuf nettyInput = Unpooled.EMPTY_BUFFER;
    // One parser per variant, made with this state, so once per trial and thread.
    private final DevProxyDriver devproxy = new DevProxyDriver();
    private final DevProxyDriver devproxyStrings = new DevProxyDriver();
    private final DevProxyDriver devproxyViews = new DevProxyDriver();
    private byte[] scanInput = new byte[0];
    private final NettyDriver netty = new NettyDriver();
    private final NettyDriver nettyEmbeddedChannel = new NettyDriver();
    private final JettyDriver jetty = new JettyDriver();
    private @Nullable BlackholeSink sink;

    /** Builds the input, then checks every variant parses it right, twice (so reuse after a request works). */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Workload workload = input.build();
        byte[] bytes = workload.bytes();
        expectedRequests = workload.expected().size();
        nioInput = ByteBuffer.wrap(bytes);
        nettyInput = Unpooled.wrappedBuffer(bytes);
        scanInput = bytes.clone();

        for (int run = 1; run <= 2; run++) {
            check("devproxy", workload, run, recording -> devproxy.parseCopyingBytes(nioInput, recording));
            check("devproxyStrings", workload, run, recording -> devproxyStrings.parseToStrings(nioInput, recording));
            check("devproxyViews", workload, run, recording -> devproxyViews.parseToViews(nioInput, recording));
            check("netty", workload, run, recording -> netty.parseDirectly(nettyInput, recording));
            check("nettyEmbeddedChannel", workload, run,
                    recording -> nettyEmbeddedChannel.parseThroughChannel(nettyInput, recording));
            check("jetty", workload, run, recording -> jetty.parse(nioInput, recording));
        }
        int headEnds = countHeadEnds(scanInput);
        if (input != RequestInput.POST_1KIB && input != RequestInput.CHUNKED_POST_1KIB && headEnds != expectedRequests) {
            throw new IllegalStateException("plainScan found " + headEnds + " head ends, expected " + expectedRequests);
        }
        System.out.println("input " + input + ": " + bytes.length + " bytes, " + expectedRequests + " request(s) per op");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        netty.close();
        nettyEmbeddedChannel.close();
    }

    @Benchmark
    public int devproxy(Blackhole blackhole) {
        return expect(devproxy.parseCopyingBytes(nioInput, sink(blackhole)));
    }

    @Benchmark
    public int devproxyStrings(Blackhole blackhole) {
        return expect(devproxyStrings.parseToStrings(nioInput, sink(blackhole)));
    }

    @Benchmark
    public int devproxyViews(Blackhole blackhole) {
        return expect(devproxyViews.parseToViews(nioInput, sink(blackhole)));
    }

    @Benchmark
    public int plainScan() {
        return countHeadEnds(scanInput);
    }

    /**
     * The baseline: the number of CRLFCRLF in {@code bytes}, found by the plain loop anyone would write first,
     * one byte at a time.
     */
    static int countHeadEnds(byte[] bytes) {
        int ends = 0;
        for (int i = 0; i + 3 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                ends++;
                i += 3;
            }
        }
        return ends;
    }

    @Benchmark
    public int netty(Blackhole blackhole) throws Exception {
        return expect(netty.parseDirectly(nettyInput, sink(blackhole)));
    }

    @Benchmark
    public int nettyEmbeddedChannel(Blackhole blackhole) {
        return expect(nettyEmbeddedChannel.parseThroughChannel(nettyInput, sink(blackhole)));
    }

    @Benchmark
    public int jetty(Blackhole blackhole) {
        return expect(jetty.parse(nioInput, sink(blackhole)));
    }

    /** The sink for this trial's Blackhole, made once: allocating one per call would show in {@code -prof gc}. */
    private Sink sink(Blackhole blackhole) {
        BlackholeSink current = sink;
        if (current == null || !current.feeds(blackhole)) {
            current = new BlackholeSink(blackhole);
            sink = current;
        }
        return current;
    }

    private int expect(int requests) {
        if (requests != expectedRequests) {
            throw new IllegalStateException(requests + " requests parsed, expected " + expectedRequests);
        }
        return requests;
    }

    /** One parse of the input by one variant, reporting into the given sink. */
    @FunctionalInterface
    private interface Run {
        int parse(Sink sink) throws Exception;
    }

    private void check(String variant, Workload workload, int run, Run parse) throws Exception {
        RecordingSink recording = new RecordingSink();
        int count = parse.parse(recording);
        List<ParsedRequest> actual = recording.requests();
        List<ParsedRequest> expected = workload.expected();
        String where = variant + " on " + input + " (run " + run + "): ";
        if (count != expected.size() || actual.size() != expected.size()) {
            throw new IllegalStateException(where + "counted " + count + " and reported " + actual.size()
                    + " requests, expected " + expected.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            String difference = expected.get(i).differenceFrom(actual.get(i));
            if (difference != null) {
                throw new IllegalStateException(where + "request " + (i + 1) + " has " + difference);
            }
        }
    }
}
