package dev.devproxy.parser;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Set;

/**
 * Fuzzes {@link ResponseParser} with arbitrary bytes: what an upstream could send down one connection.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs in regression mode, once per file in
 * {@code src/test/resources/dev/devproxy/parser/ResponseParserFuzzTestInputs/responseStreamParsesTheSameEveryWay/};
 * {@code devproxy-parser/fuzz.sh} fuzzes it for real. Each input is parsed as answers to GET requests and,
 * since a response to HEAD has no body whatever its head says, as an answer to a HEAD request followed by
 * answers to GETs. Each goes through the checks of {@link FuzzChecks}, with the default limits, with
 * {@link FuzzChecks#SMALL_LIMITS} and with {@link Leniency#BARE_LF}.
 */
class ResponseParserFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void responseStreamParsesTheSameEveryWay(byte[] input) {
        for (boolean firstAnswersHead : new boolean[] {false, true}) {
            Transcript strict = FuzzChecks.sameInEverySplit(input,
                    () -> Incremental.responses(new ResponseParser(), firstAnswersHead));
            Transcript small = FuzzChecks.sameInEverySplit(input,
                    () -> Incremental.responses(new ResponseParser(ParserConfig.defaults().withLimits(
                            FuzzChecks.SMALL_LIMITS.withMaxResponseBodySize(FuzzChecks.SMALL_LIMITS.maxBodySize()))), firstAnswersHead));
            Transcript lenient = FuzzChecks.sameInEverySplit(input, () -> Incremental.responses(
                    new ResponseParser(ParserConfig.defaults().withLeniencies(Set.of(Leniency.BARE_LF))),
                    firstAnswersHead));

            FuzzChecks.agreesUpToItsError(small, strict, "a parser with smaller limits");
            FuzzChecks.agreesUpToItsError(strict, lenient, "the strict parser");
        }
    }
}
