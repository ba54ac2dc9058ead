package dev.devproxy.jmh.parser;

import org.openjdk.jmh.infra.Blackhole;

/** Hands every part to JMH's {@link Blackhole}, so the JIT cannot drop the work that produced it. */
final class BlackholeSink implements Sink {
    private final Blackhole blackhole;

    BlackholeSink(Blackhole blackhole) {
        this.blackhole = blackhole;
    }

    /** Whether this sink feeds {@code other}; JMH hands the same one to every call of a trial. */
    boolean feeds(Blackhole other) {
        return blackhole == other;
    }

    @Override
    public void method(Object method) {
        blackhole.consume(method);
    }

    @Override
    public void target(Object target) {
        blackhole.consume(target);
    }

    @Override
    public void version(Object version) {
        blackhole.consume(version);
    }

    @Override
    public void headerName(Object name) {
        blackhole.consume(name);
    }

    @Override
    public void headerValue(Object value) {
        blackhole.consume(value);
    }

    @Override
    public void body(Object buffer, int offset, int length) {
        blackhole.consume(buffer);
        blackhole.consume(offset);
        blackhole.consume(length);
    }

    @Override
    public void end() {
        blackhole.consume(true);
    }
}
