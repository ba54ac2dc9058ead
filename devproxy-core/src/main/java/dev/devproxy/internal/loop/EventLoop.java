package dev.devproxy.internal.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One selector thread: it selects, hands each ready key to its {@link IoHandler}, runs tasks other threads
 * submitted, and scans its connections' deadlines. Everything registered with it is touched only by its thread.
 * It knows nothing of HTTP: what a protocol keeps per loop (date cache, upstream pool, echo writer) is held by
 * the protocol's own per-loop state, beside the loop.
 *
 * <p>A loop that is never started serves in-memory tests: the test thread then plays the loop's thread and
 * calls {@link #runPending()} to run submitted tasks, due timers and the deadline scan.
 */
public final class EventLoop implements Runnable {
    /** This loop's read buffers; loop thread only. */
    public final BufferPool buffers = new BufferPool(256);
    /**
     * Buffers for transports that move whole records, such as TLS, whose largest record (16 KiB of data plus
     * its header, padding and tag) does not fit a read buffer; loop thread only. Made on first use, so a loop
     * that never sees such a transport holds none. On the heap, not direct: {@code SSLEngine} encrypts and
     * decrypts arrays without the extra copies it makes for direct buffers, and a socket write from the heap
     * costs one copy into the JDK's per-thread direct buffer.
     */
    public final BufferPool recordBuffers = new BufferPool(64, RECORD_BUFFER_SIZE, false);
    /** Room for one TLS record as {@code SSLSession.getPacketBufferSize()} gives it (16,709 bytes), rounded up. */
    public static final int RECORD_BUFFER_SIZE = 17 * 1024;

    private final Selector selector;
    private final Thread thread;
    private final EngineClock clock;
    private final long scanIntervalNanos;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    /** Everything with a deadline; removal swaps the last element in (see {@link Timed#timedIndex}). */
    private final List<Timed> timed = new ArrayList<>();
    /** Tasks due at a time, earliest first; ties keep submission order. Loop thread only. */
    private final PriorityQueue<ScheduledTask> scheduled = new PriorityQueue<>();
    private long scheduledSequence;
    private volatile boolean running = true;
    private long nextScanNanos;

    /**
     * A loop, not yet started.
     *
     * @param scanIntervalNanos how often the deadlines of {@link Timed} items are checked
     */
    public EventLoop(String name, EngineClock clock, long scanIntervalNanos) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        this.clock = clock;
        this.scanIntervalNanos = scanIntervalNanos;
        this.thread = new Thread(this, name);
    }

    public void start() {
        thread.start();
    }

    public Selector selector() {
        return selector;
    }

    public long now() {
        return clock.nanoTime();
    }

    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on this loop's thread, soon; callable from any thread. Ignored once stopped. */
    public void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /**
     * Runs {@code task} on this loop's thread once {@code delayNanos} have passed, to within a millisecond.
     * Loop thread only; never blocks. The returned task can be cancelled until it runs.
     */
    public ScheduledTask schedule(long delayNanos, Runnable task) {
        ScheduledTask scheduledTask = new ScheduledTask(clock.nanoTime() + delayNanos, scheduledSequence++, task);
        scheduled.add(scheduledTask);
        return scheduledTask;
    }

    public void addTimed(Timed item) {
        item.timedIndex = timed.size();
        timed.add(item);
    }

    public void removeTimed(Timed item) {
        int index = item.timedIndex;
        if (index < 0) {
            return;
        }
        Timed last = timed.remove(timed.size() - 1);
        if (last != item) {
            timed.set(index, last);
            last.timedIndex = index;
        }
        item.timedIndex = -1;
    }

    /** The number of connections with deadlines on this loop; read on the loop's thread. */
    public int timedCount() {
        return timed.size();
    }

    /** Copies the current timed items, for shutdown. Loop thread only. */
    public List<Timed> timedSnapshot() {
        return new ArrayList<>(timed);
    }

    /** Asks the loop to stop after its current turn, closing whatever is still registered; joins it. */
    public void stopAndJoin(long timeoutMillis) throws InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(timeoutMillis);
    }

    /**
     * Runs, on the calling thread, what a turn of the loop runs besides selecting: submitted tasks, due timers
     * and the deadline scan. For a loop that was never started (in-memory tests); never call it on a running one.
     */
    public void runPending() {
        runAllTasks();
        long now = clock.nanoTime();
        runDueTasks(now);
        scanDeadlines(now);
    }

    @Override
    public void run() {
        // Made once, here on the loop's thread: a method reference written into each select() call would be a new
        // object per turn of the loop, and one made in the constructor would be linked on the starting thread,
        // a millisecond of a fresh JVM's start-up that this thread otherwise spends in parallel.
        Consumer<SelectionKey> dispatcher = this::dispatch;
        nextScanNanos = clock.nanoTime() + scanIntervalNanos;
        while (running) {
            try {
                long wakeAt = nextScanNanos;
                ScheduledTask next = scheduled.peek();
                if (next != null && next.dueNanos - wakeAt < 0) {
                    wakeAt = next.dueNanos;
                }
                if (tasks.isEmpty()) {
                    long waitMillis = Math.max(1, (wakeAt - clock.nanoTime() + 999_999) / 1_000_000);
                    selector.select(dispatcher, waitMillis);
                } else {
                    // A task posted from this thread did not wake the selector: do not sleep on it.
                    selector.selectNow(dispatcher);
                }
                wakeupPending.set(false);
                runTasks();
                long now = clock.nanoTime();
                runDueTasks(now);
                if (now - nextScanNanos >= 0) {
                    nextScanNanos = now + scanIntervalNanos;
                    scanDeadlines(now);
                }
            } catch (IOException | RuntimeException | Error e) {
                // A bug in one handler must not kill the loop and every connection on it. An Error is caught too:
                // an AssertionError or StackOverflowError from one connection leaves the others serviceable.
                log().log(Level.ERROR, "unexpected failure in event loop " + thread.getName(), e);
            }
        }
        shutDown();
    }

    private void dispatch(SelectionKey key) {
        IoHandler handler = (IoHandler) key.attachment();
        try {
            handler.onReady(key);
        } catch (RuntimeException | Error e) {
            log().log(Level.ERROR, "unexpected failure handling a connection; closing it", e);
            handler.forceClose();
        }
    }

    /**
     * Runs the tasks queued when it began. Those they post run in the next turn, after a select that does not
     * block (the queue is not empty): so a task that posts another knows the second runs after the loop has
     * handled what became ready meanwhile, and a task that keeps posting itself cannot starve the sockets.
     */
    private void runTasks() {
        for (int queued = tasks.size(); queued > 0; queued--) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            runTask(task);
        }
    }

    private void runAllTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            runTask(task);
        }
    }

    private static void runTask(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log().log(Level.ERROR, "unexpected failure in an event-loop task", e);
        }
    }

    private void runDueTasks(long now) {
        ScheduledTask task;
        while ((task = scheduled.peek()) != null && now - task.dueNanos >= 0) {
            scheduled.poll();
            if (!task.cancelled) {
                try {
                    task.task.run();
                } catch (RuntimeException | Error e) {
                    log().log(Level.ERROR, "unexpected failure in a scheduled task", e);
                }
            }
        }
    }

    private void scanDeadlines(long now) {
        // Iterate backwards: a timeout may close its connection, which swap-removes it from the list.
        for (int i = timed.size() - 1; i >= 0; i--) {
            if (i >= timed.size()) {
                continue;
            }
            Timed item = timed.get(i);
            long deadline = item.deadlineNanos;
            if (deadline != Timed.NO_DEADLINE && now - deadline >= 0) {
                try {
                    item.onDeadline(now);
                } catch (RuntimeException | Error e) {
                    log().log(Level.ERROR, "unexpected failure handling a timeout; closing the connection", e);
                    item.forceClose();
                }
            }
        }
    }

    /** The logger, looked up on first use: see {@code ServerContext.LogHolder}. */
    private static System.Logger log() {
        return LogHolder.LOG;
    }

    private static final class LogHolder {
        static final System.Logger LOG = System.getLogger(EventLoop.class.getName());
    }

    private void shutDown() {
        runAllTasks();
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof IoHandler handler) {
                handler.forceClose();
            }
        }
        for (Timed item : timedSnapshot()) {
            item.forceClose();
        }
        try {
            selector.close();
        } catch (IOException e) {
            log().log(Level.DEBUG, "closing a selector failed", e);
        }
    }
}
