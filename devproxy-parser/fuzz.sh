#!/usr/bin/env bash
# Fuzzes the parser with Jazzer (libFuzzer for the JVM), one target after another, and prints what each found.
#
# Every build already runs the three @FuzzTest methods in regression mode, over the committed seeds in
# src/test/resources/dev/devproxy/parser/<Class>Inputs/<method>/. This script runs them in fuzzing mode
# (JAZZER_FUZZ=1): libFuzzer mutates the seeds, guided by coverage, for the given time per target. The
# corpus it grows is kept in devproxy-parser/.cifuzz-corpus/ (ignored by git) and reused by the next run.
# A finding fails the run and is saved as crash-<sha1> beside the seeds, where every later build replays it:
# fix the parser, keep the file.
#
#   devproxy-parser/fuzz.sh                         # 5 minutes for each of the three targets
#   devproxy-parser/fuzz.sh 60 ChunkedDecoderFuzzTest
#   MVN_ARGS=-o devproxy-parser/fuzz.sh 240         # extra Maven arguments, here offline
#
# Targets: RequestParserFuzzTest, ResponseParserFuzzTest, ChunkedDecoderFuzzTest. Needs Linux or macOS on
# x86-64 or arm64 (Jazzer's native libFuzzer). Each input may take at most 10 s (-timeout=10): a slower one
# is reported as a hang.
set -euo pipefail

SECONDS_PER_TARGET=${1:-300}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=(RequestParserFuzzTest ResponseParserFuzzTest ChunkedDecoderFuzzTest)
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOGS=$(mktemp -d /tmp/devproxy-fuzz.XXXXXX)
trap 'rm -rf "$LOGS"' EXIT

status=0
summary=()
for target in "${TARGETS[@]}"; do
    echo "== fuzzing $target for ${SECONDS_PER_TARGET}s"
    log="$LOGS/$target.log"
    # jazzer.internal.arg.* are passed to libFuzzer after the @FuzzTest's own flags, so they win: argument 0
    # stands for argv[0], -max_total_time replaces the annotation's maxDuration.
    if (cd "$ROOT" && JAZZER_FUZZ=1 ./mvnw -B -ntp ${MVN_ARGS:-} -pl devproxy-parser test \
            -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
            -Djazzer.internal.arg.0=fuzz \
            -Djazzer.internal.arg.1=-max_total_time="$SECONDS_PER_TARGET" \
            -Djazzer.internal.arg.2=-timeout=10) > "$log" 2>&1; then
        result="no finding"
    else
        result="FINDING OR FAILURE (see below)"
        status=1
        grep -E "^(==|Caused by|java\.|org\.opentest4j|.*Exception|.*Error:)" "$log" | head -20 || true
        ls -1 "$ROOT/devproxy-parser/src/test/resources/dev/devproxy/parser/${target}Inputs/"*/crash-* 2>/dev/null || true
    fi
    runs=$(grep -Eo "Done [0-9]+ runs in [0-9]+ second" "$log" | tail -1 || true)
    done_line=$(grep -E "^#[0-9]+[[:space:]]+DONE" "$log" | tail -1 | sed -E 's/^#[0-9]+[[:space:]]+DONE[[:space:]]+//' || true)
    summary+=("$target: $result; ${runs:-no run count}; ${done_line:-no coverage line}")
done

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
