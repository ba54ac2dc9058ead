package dev.devproxy.parser;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Set;

/**
 * Fuzzes {@link RequestParser} with arbitrary bytes: a stream of pipelined requests as a client could send it.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs in regression mode, once per file in
 * {@code src/test/resources/dev/devproxy/parser/RequestParserFuzzTestInputs/requestStreamParsesTheSameEveryWay/}
 * (the committed seeds, and any crash a fuzzing run saved there). {@code devproxy-parser/fuzz.sh} fuzzes it for
 * real. Each input goes through the checks of {@link FuzzChecks}, with the default limits, with
 * {@link FuzzChecks#SMALL_LIMITS} and with {@link Leniency#BARE_LF}.
 */
class RequestParserFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void requestStreamParsesTheSameEveryWay(byte[] input) {
        Transcript strict = FuzzChecks.sameInEverySplit(input, Incremental.defaultRequests());
        Transcript small = FuzzChecks.sameInEverySplit(input,
                () -> Incremental.requests(new RequestParser(ParserConfig.defaults().withLimits(FuzzChecks.SMALL_LIMITS))));
        Transcript lenient = FuzzChecks.sameInEverySplit(input,
                () -> Incremental.requests(new RequestParser(ParserConfig.defaults().withLeniencies(Set.of(Leniency.BARE_LF)))));

        FuzzChecks.agreesUpToItsError(small, strict, "a parser with smaller limits");
        FuzzChecks.agreesUpToItsError(strict, lenient, "the strict parser");
    }
}
