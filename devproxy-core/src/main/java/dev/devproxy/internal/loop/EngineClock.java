package dev.devproxy.internal.loop;

/**
 * Where the engine reads the time, so tests can drive timeouts without waiting for real time to pass.
 * Must be thread-safe and monotonic.
 */
@FunctionalInterface
public interface EngineClock {
    /** The system's monotonic clock. */
    EngineClock SYSTEM = System::nanoTime;

    /** The current time in nanoseconds, from an arbitrary origin, as {@link System#nanoTime()}. */
    long nanoTime();
}
