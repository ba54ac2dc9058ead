#!/usr/bin/env bash
# Slow HTTP attacks against the standalone proxy with its default settings (1,000 connections, timeouts of
# 5/10/30 s, MIN_BODY_RATE 500), while an honest client keeps asking for /honest with curl, one new connection
# per request. Three attacks, one after the other, each with slowhttptest holding thousands of connections:
#
#   slowloris    (-H) heads that never end: a header line every few seconds
#   slow body    (-B) R-U-Dead-Yet: a head announcing a body, then a few bytes every few seconds
#   slow read    (-X) a large download (/proxy/big.bin, 8 MiB from a local python3 http.server) read a few
#                     bytes at a time through a tiny TCP window
#
# Prints, for a quiet baseline and for each attack: the honest client's latency (p50/p90/p99/max) and failures,
# slowhttptest's view (connections it held at most, closed, errors, whether its own probe found the service
# available), the proxy's timeouts from /metrics, and the proxy's RSS and descriptors. Exits non-zero when the
# honest client saw a failure (curl error, non-200, or no answer within 10 s).
#
# Not part of CI: run it by hand from anywhere in the repository, as root (it installs slowhttptest and curl when
# they are missing). Everything stays on 127.0.0.1. About 4 minutes with the defaults.
#
#   devproxy-jmh/load/slowloris.sh                       # 3,000 connections, 60 s per attack
#   CONNECTIONS=5000 SECONDS_PER_ATTACK=120 devproxy-jmh/load/slowloris.sh
#   SKIP_BUILD=1 devproxy-jmh/load/slowloris.sh          # reuse devproxy-core/target/*.jar (or JAR=path)
set -euo pipefail

CONNECTIONS=${CONNECTIONS:-3000}
RATE=${RATE:-200}                      # new attack connections per second
SECONDS_PER_ATTACK=${SECONDS_PER_ATTACK:-60}
BASELINE_SECONDS=${BASELINE_SECONDS:-15}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${JAR:-"$ROOT/devproxy-core/target/devproxy-core-0.1.0-SNAPSHOT.jar"}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

# ---- Tools ------------------------------------------------------------------------------------------------
if ! command -v slowhttptest >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
    log "installing slowhttptest and curl"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slowhttptest curl
fi
command -v python3 >/dev/null 2>&1 || { echo "python3 is needed for the slow-read upstream" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((CONNECTIONS * 2 + 1000)) ]; then
    echo "ulimit -n is $(ulimit -n); $((CONNECTIONS * 2 + 1000)) descriptors are needed" >&2
    exit 1
fi

# ---- Build ------------------------------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; then
    log "building devproxy-core"
    (cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests -pl devproxy-core -am package)
fi

# ---- Scratch space and cleanup ----------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/devproxy-slowloris.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() {
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "no free port found" >&2
    return 1
}

wait_for() { # url what
    for _ in $(seq 1 150); do
        if curl -s -o /dev/null "$1"; then
            return
        fi
        sleep 0.2
    done
    echo "$2 did not come up at $1" >&2
    return 1
}

# ---- The upstream for slow reads, and DevProxy --------------------------------------------------------------
mkdir -p "$WORK/www"
head -c $((8 * 1024 * 1024)) /dev/urandom > "$WORK/www/big.bin"
UPSTREAM_PORT=$(free_port)
python3 -m http.server "$UPSTREAM_PORT" --bind 127.0.0.1 --directory "$WORK/www" > "$WORK/upstream.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$UPSTREAM_PORT/" "python3 http.server"

PROXY_PORT=$(free_port)
java -jar "$JAR" --port "$PROXY_PORT" --upstream-host 127.0.0.1 --upstream-port "$UPSTREAM_PORT" \
    > "$WORK/devproxy.log" 2>&1 &
PROXY_PID=$!
PIDS+=("$PROXY_PID")
BASE="http://127.0.0.1:$PROXY_PORT"
wait_for "$BASE/ready" DevProxy
log "DevProxy (pid $PROXY_PID) on 127.0.0.1:$PROXY_PORT, defaults: 1000 connections, timeouts 5/10/30 s"

rss_mib() { awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$PROXY_PID/status"; }
fds() { ls "/proc/$PROXY_PID/fd" | wc -l; }
metric() { # name: the value of one /metrics line, e.g. 'devproxy_errors_total{kind="request_timeout"}'
    curl -s --max-time 10 "$BASE/metrics" | awk -v name="$1" '$1 == name { value = $2 } END { print value + 0 }'
}

# The honest client: one curl per request (a new connection, which must win a slot under the cap), a few a
# second, for $1 seconds. One line per request: HTTP code and seconds (code 000: no answer within 10 s).
honest() { # seconds out-file
    local end=$((SECONDS + $1))
    while [ $SECONDS -lt $end ]; do
        curl -s -o /dev/null --max-time 10 -w '%{http_code} %{time_total}\n' "$BASE/honest" >> "$2" || true
        sleep 0.2
    done
}

# p50/p90/p99/max in ms and the failure count of an honest-client file.
latency() { # file
    awk '{ print $2 * 1000, $1 }' "$1" | sort -n | awk '
        function at(p,   i) { i = int(NR * p); if (i < NR * p) i++; return ms[i < 1 ? 1 : i] }
        { ms[NR] = $1; if ($2 != 200) failed++ }
        END {
            if (NR == 0) { print "no requests"; exit }
            printf "%d requests, p50 %d ms, p90 %d ms, p99 %d ms, max %d ms, %d failed",
                NR, at(0.50), at(0.90), at(0.99), ms[NR], failed
        }'
}

failures() { awk '$1 != 200' "$1" | wc -l; }

# The largest "connected" slowhttptest reported, its last status block, and why it ended (colours removed).
slowhttptest_summary() { # file
    local plain most last ended
    plain=$(sed 's/\x1b\[[0-9;]*[a-zA-Z]//g' "$1")
    most=$(awk '/^connected:/ { if ($2 > most) most = $2 } END { print most + 0 }' <<< "$plain")
    last=$(awk '/^(pending|connected|error|closed|service available):/' <<< "$plain" | tail -5 \
        | sed -E 's/:[[:space:]]+/ /' | paste -sd, - | sed 's/,/, /g')
    ended=$(awk -F': *' '/^Exit status:/ { print $2 }' <<< "$plain" | tail -1)
    echo "held at most $most connections; at the end: $last; exit status: ${ended:-?}"
}

SUMMARY=()
STATUS=0

# ---- Baseline ---------------------------------------------------------------------------------------------
log "baseline: the honest client alone for ${BASELINE_SECONDS}s"
RSS_START=$(rss_mib)
FDS_START=$(fds)
honest "$BASELINE_SECONDS" "$WORK/baseline.txt"
SUMMARY+=("baseline        honest: $(latency "$WORK/baseline.txt"); RSS ${RSS_START} MiB, ${FDS_START} fds")

# ---- The attacks ------------------------------------------------------------------------------------------
attack() { # name flag path extra-args...
    local name=$1 flag=$2 path=$3
    shift 3
    log "$name: slowhttptest $flag, $CONNECTIONS connections at $RATE/s for ${SECONDS_PER_ATTACK}s, honest client alongside"
    local timeouts_before write_before
    timeouts_before=$(metric 'devproxy_errors_total{kind="request_timeout"}')
    write_before=$(metric 'devproxy_errors_total{kind="write_timeout"}')
    slowhttptest "$flag" -c "$CONNECTIONS" -r "$RATE" -l "$SECONDS_PER_ATTACK" -p 5 \
        -u "$BASE$path" "$@" > "$WORK/$name.slowhttptest" 2>&1 &
    local attacker=$!
    PIDS+=("$attacker")
    sleep 5 # let the attack fill the cap before measuring
    local peak_rss=0 peak_fds=0
    honest $((SECONDS_PER_ATTACK - 10)) "$WORK/$name.txt" &
    local client=$!
    PIDS+=("$client")
    while kill -0 "$client" 2>/dev/null; do
        peak_rss=$(( $(rss_mib) > peak_rss ? $(rss_mib) : peak_rss ))
        peak_fds=$(( $(fds) > peak_fds ? $(fds) : peak_fds ))
        sleep 1
    done
    wait "$client" || true
    wait "$attacker" || true
    local timeouts writes
    timeouts=$(( $(metric 'devproxy_errors_total{kind="request_timeout"}') - timeouts_before ))
    writes=$(( $(metric 'devproxy_errors_total{kind="write_timeout"}') - write_before ))
    SUMMARY+=("$(printf '%-15s' "$name") honest: $(latency "$WORK/$name.txt")")
    SUMMARY+=("                slowhttptest: $(slowhttptest_summary "$WORK/$name.slowhttptest")")
    SUMMARY+=("                proxy: $timeouts request timeouts (408), $writes write timeouts; peak RSS ${peak_rss} MiB, peak fds $peak_fds")
    if [ "$(failures "$WORK/$name.txt")" != 0 ]; then
        STATUS=1
    fi
    sleep 5 # let the last attack connections time out before the next attack
}

attack slowloris -H /slowloris -i 5 -x 24
attack slow-body -B /slowbody -i 5 -s 8192 -x 10
attack slow-read -X /proxy/big.bin -k 1 -n 5 -w 512 -y 1024 -z 32

# ---- Afterwards -------------------------------------------------------------------------------------------
# Connections still waiting on the upstream when their client left end by the upstream timeout (30 s).
settle_start=$SECONDS
while [ "$(metric devproxy_active_connections)" -gt 1 ] && [ $((SECONDS - settle_start)) -lt 90 ]; do
    sleep 1
done
SETTLED=$((SECONDS - settle_start))
honest 5 "$WORK/after.txt"
SUMMARY+=("after           honest: $(latency "$WORK/after.txt"); RSS $(rss_mib) MiB (started at $RSS_START), $(fds) fds (started at $FDS_START), $(( $(metric devproxy_active_connections) - 1 )) other connections open ${SETTLED} s after the last attack")
if [ "$(failures "$WORK/after.txt")" != 0 ]; then
    STATUS=1
fi

echo
echo "== summary (machine: $(nproc) cores; DevProxy defaults; $CONNECTIONS attack connections at $RATE/s, ${SECONDS_PER_ATTACK}s each)"
printf '%s\n' "${SUMMARY[@]}"
if [ "$STATUS" != 0 ]; then
    log "the honest client saw failures; DevProxy log:"
    tail -n 30 "$WORK/devproxy.log" || true
fi
exit "$STATUS"
