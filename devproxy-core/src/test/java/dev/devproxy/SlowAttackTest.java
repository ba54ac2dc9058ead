package dev.devproxy;

import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.SlowClients.Mode;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slow HTTP attacks against a running proxy while honest clients keep sending requests: slowloris (a head that
 * never ends), R-U-Dead-Yet (a body trickling in) and slow read (a response read a few bytes at a time), all at
 * once, with three times as many attackers as the connection cap.
 *
 * <p>Scaled to a unit test: a cap of 100 and request timeouts of 1 to 2 s instead of 1,000 and 5 to 30 s, so
 * the timeouts turn the attackers over within the run as well as the shedding. The write timeout keeps its
 * default of 30 s: slow readers are cut only by being shed at the cap, after 3 s without a byte written.
 * {@code devproxy-jmh/load/slowloris.sh} runs the same attacks with {@code slowhttptest}, thousands of
 * connections and every default, against the jar.
 */
@Tag("slow")
@Timeout(60)
class SlowAttackTest {
    private static final int CAP = 100;
    private static final Duration ATTACK = Duration.ofSeconds(6);
    /**
     * What a slow reader asks for: more than the kernel's send buffer (up to 4 MiB here) takes in one go, or the
     * proxy would be done writing while the reader still sleeps.
     */
    private static final byte[] BIG = new byte[8 << 20];
    /** Slow clients per mode: three times the cap in all. Slow readers are few: each pins megabytes of kernel buffer. */
    private static final Map<Mode, Integer> ATTACKERS = Map.of(Mode.HEADERS, 150, Mode.BODY, 120, Mode.READ, 30);

    @Test
    void honestClientsAreServedWhileSlowClientsHoldThreeTimesTheCap() throws Exception {
        Route big = Route.respond(Response.newBuilder(200).body(BIG).build()); // one copy, shared by every reader
        Router router = request -> request.path().equals("/big") ? big : Route.echo();
        try (DevProxy proxy = proxy().router(router).maxConnections(CAP).ioThreads(2)
                .requestLineTimeout(Duration.ofSeconds(1)).headerTimeout(Duration.ofSeconds(2))
                .bodyTimeout(Duration.ofSeconds(2))
                .keepAliveTimeout(Duration.ofSeconds(2)).build().start()) {
            HonestClient.Report quietFresh = honest(proxy, HonestClient.Kind.FRESH_CONNECTION, Duration.ofSeconds(1));
            HonestClient.Report quietKept = honest(proxy, HonestClient.Kind.KEEP_ALIVE, Duration.ofSeconds(1));
            ResourceBaseline baseline = ResourceBaseline.take();
            long heapBefore = usedHeapAfterGc();

            Map<Mode, SlowClients> attackers = new EnumMap<>(Mode.class);
            for (Mode mode : Mode.values()) {
                attackers.put(mode, new SlowClients(proxy.address(), mode, ATTACKERS.get(mode), 100, Duration.ofMillis(500))
                        .start());
            }
            HonestClient fresh = new HonestClient(proxy, HonestClient.Kind.FRESH_CONNECTION, Duration.ofMillis(50)).start();
            HonestClient kept = new HonestClient(proxy, HonestClient.Kind.KEEP_ALIVE, Duration.ofMillis(20)).start();
            int mostOpen = 0;
            for (long end = System.nanoTime() + ATTACK.toNanos(); System.nanoTime() - end < 0; ) {
                mostOpen = Math.max(mostOpen, proxy.openConnections());
                Thread.sleep(10);
            }
            long heapDuring = usedHeapAfterGc();
            int buffersDuring = proxy.server().pooledBuffersInUse();
            HonestClient.Report attackedFresh = fresh.stop();
            HonestClient.Report attackedKept = kept.stop();
            Map<Mode, SlowClients.Outcome> outcomes = new EnumMap<>(Mode.class);
            for (Map.Entry<Mode, SlowClients> attacker : attackers.entrySet()) {
                outcomes.put(attacker.getKey(), attacker.getValue().stop());
            }
            long writeTimeouts = errors(proxy, ErrorKind.WRITE_TIMEOUT);

            System.out.printf("without attack: %s%n                %s%n", quietFresh, quietKept);
            System.out.printf("under attack:   %s%n                %s%n", attackedFresh, attackedKept);
            System.out.printf("slow clients: %s; write timeouts %d; most open %d; heap %d -> %d KiB; "
                    + "pooled buffers held %d%n", outcomes, writeTimeouts, mostOpen, heapBefore / 1024, heapDuring / 1024,
                    buffersDuring);

            int finalMostOpen = mostOpen;
            assertAll(
                    () -> assertEquals(List.of(), attackedFresh.failures(), "new connections under attack"),
                    () -> assertEquals(List.of(), attackedKept.failures(), "a kept-alive connection under attack"),
                    () -> assertTrue(attackedFresh.latenciesMillis().length >= 3, attackedFresh::toString),
                    () -> assertTrue(finalMostOpen <= CAP, "open connections reached " + finalMostOpen),
                    () -> assertCutWith408(outcomes.get(Mode.HEADERS)),
                    () -> assertCutWith408(outcomes.get(Mode.BODY)),
                    () -> assertTrue(writeTimeouts > 0, "slow readers are shed, counted as write timeouts"),
                    () -> assertTrue(heapDuring - heapBefore < 32 << 20,
                            "heap grew from " + heapBefore + " to " + heapDuring + " bytes"));
            baseline.assertRestored(proxy, Duration.ofSeconds(10));
        }
    }

    /**
     * Slow clients that sent part of a request are cut with 408 (by their timeout, or shed at the cap), never
     * silently. A reset may beat the 408 when a slow byte arrives just as the proxy closes; rarely.
     */
    private static void assertCutWith408(SlowClients.Outcome outcome) {
        assertAll(outcome.toString(),
                () -> assertTrue(outcome.cut() >= CAP / 2, "cut: " + outcome.cut()),
                () -> assertEquals(java.util.Set.of(408), outcome.cutByStatus().keySet()),
                () -> assertEquals(0, outcome.cutSilently()),
                () -> assertTrue(outcome.resets() <= outcome.cut() / 20, "resets: " + outcome.resets()));
    }

    private static long errors(DevProxy proxy, ErrorKind kind) {
        Matcher matcher = Pattern.compile("(?m)^devproxy_errors_total\\{kind=\"" + kind.label() + "\"} (\\d+)$")
                .matcher(proxy.metricsText());
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    private static HonestClient.Report honest(DevProxy proxy, HonestClient.Kind kind, Duration duration)
            throws InterruptedException {
        HonestClient client = new HonestClient(proxy, kind, Duration.ofMillis(20)).start();
        Thread.sleep(duration.toMillis());
        return client.stop();
    }

    private static long usedHeapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
