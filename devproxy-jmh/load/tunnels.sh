#!/usr/bin/env bash
# Tunnels: DevProxy's CONNECT tunnel against HAProxy in TCP mode, on one machine, in one run.
#
#   - throughput: a 256 MiB download from nginx, through HAProxy (`mode tcp`, one thread) and through a DevProxy
#     CONNECT tunnel (`curl -p -x`: CONNECT, then the same GET inside), REPEATS times each, taking turns; the
#     bytes are checked by SHA-256 once each way, and each proxy's CPU time per GiB is read from /proc;
#   - 1,000 tunnels at once (hold_tunnels.py): opened, each used for a request, closed, with DevProxy's open
#     descriptors, heap after a full GC and open-tunnel count before, during and after.
#
# The servers run on CPU 0 (taskset), curl and the Python client on CPU 1. DevProxy runs in a 64 MiB heap
# (-Xms64m -Xmx64m -XX:+UseSerialGC), so a tunnel that held its bytes would fail rather than pass slowly.
#
# Not part of CI. Run it from anywhere in the repository, as root (it installs haproxy, nginx, curl and taskset
# when they are missing), on a machine with at least 2 CPUs, built first and under the shared lock:
#
#   flock /tmp/mvn.lock ./mvnw -B -ntp -q -DskipTests package
#   SKIP_BUILD=1 flock /tmp/mvn.lock devproxy-jmh/load/tunnels.sh
#
# Settings (environment): REPEATS (5), SIZE_MIB (256), TUNNELS (1000), SKIP_BUILD (0), JAR (this checkout's
# standalone jar), RESULTS (a new /tmp/devproxy-tunnels.XXXXXX).
set -euo pipefail

REPEATS=${REPEATS:-5}
SIZE_MIB=${SIZE_MIB:-256}
TUNNELS=${TUNNELS:-1000}
SERVER_CPU=0
LOAD_CPU=1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAR=${JAR:-"$ROOT/devproxy-core/target/devproxy-core-0.1.0-SNAPSHOT.jar"}
JVM_FLAGS=(-Xms64m -Xmx64m -XX:+UseSerialGC)

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

missing=()
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; then
    log "building"
    (cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests -pl devproxy-core -am package)
fi

RESULTS=${RESULTS:-$(mktemp -d /tmp/devproxy-tunnels.XXXXXX)}
mkdir -p "$RESULTS/www" "$RESULTS/tmp"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

EPHEMERAL_LOW=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
free_port() {
    local port
    for _ in $(seq 1 100); do
        port=$((10000 + RANDOM % (EPHEMERAL_LOW - 10000)))
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
        if curl -s -o /dev/null "$1"; then return; fi
        sleep 0.2
    done
    echo "$2 did not come up at $1" >&2
    return 1
}
cpu_ticks() { # pid: user + system ticks of the process and its threads
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# ---- The upstream: nginx serving a random file -------------------------------------------------------------
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > "$RESULTS/www/big.bin"
echo "small" > "$RESULTS/www/small.txt"
EXPECTED_SHA=$(sha256sum "$RESULTS/www/big.bin" | cut -d' ' -f1)
UPSTREAM_PORT=$(free_port)
cat > "$RESULTS/nginx.conf" <<CONF
daemon off;
worker_processes 1;
error_log $RESULTS/nginx-error.log warn;
pid $RESULTS/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $RESULTS/tmp/body;
    proxy_temp_path $RESULTS/tmp/proxy;
    fastcgi_temp_path $RESULTS/tmp/fastcgi;
    uwsgi_temp_path $RESULTS/tmp/uwsgi;
    scgi_temp_path $RESULTS/tmp/scgi;
    keepalive_requests 1000000;
    server { listen 127.0.0.1:$UPSTREAM_PORT; root $RESULTS/www; }
}
CONF
taskset -c "$SERVER_CPU" "$NGINX" -c "$RESULTS/nginx.conf" -p "$RESULTS" &
PIDS+=($!)
wait_for "http://127.0.0.1:$UPSTREAM_PORT/small.txt" nginx

# ---- HAProxy in TCP mode -------------------------------------------------------------------------------------
HAPROXY_PORT=$(free_port)
cat > "$RESULTS/haproxy.cfg" <<CONF
global
    nbthread 1
    maxconn 4000
defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend tunnel
    bind 127.0.0.1:$HAPROXY_PORT
    default_backend upstream
backend upstream
    server nginx 127.0.0.1:$UPSTREAM_PORT
CONF
taskset -c "$SERVER_CPU" "$HAPROXY" -db -f "$RESULTS/haproxy.cfg" > "$RESULTS/haproxy.log" 2>&1 &
HAPROXY_PID=$!
PIDS+=("$HAPROXY_PID")
wait_for "http://127.0.0.1:$HAPROXY_PORT/small.txt" HAProxy

# ---- DevProxy as a forward proxy ------------------------------------------------------------------------------
DEVPROXY_PORT=$(free_port)
taskset -c "$SERVER_CPU" java "${JVM_FLAGS[@]}" -jar "$JAR" --port "$DEVPROXY_PORT" --io-threads 1 \
    --max-connections 20000 --forward-proxy true --forward-allow "127.0.0.1" > "$RESULTS/devproxy.log" 2>&1 &
DEVPROXY_PID=$!
PIDS+=("$DEVPROXY_PID")
wait_for "http://127.0.0.1:$DEVPROXY_PORT/ready" DevProxy

URL="http://127.0.0.1:$UPSTREAM_PORT/big.bin"
fetch() { # name curl-args...: prints MiB/s, fails on a short body
    local name=$1 out
    shift
    out=$(taskset -c "$LOAD_CPU" curl -s --noproxy '' -o /dev/null -w '%{speed_download} %{size_download}' "$@")
    if [ "${out#* }" != "$((SIZE_MIB * 1024 * 1024))" ]; then
        echo "$name: got ${out#* } bytes instead of $((SIZE_MIB * 1024 * 1024))" >&2
        return 1
    fi
    awk -v s="${out% *}" 'BEGIN { printf "%.0f", s / 1048576 }'
}

log "checking the bytes through each"
HAPROXY_SHA=$(taskset -c "$LOAD_CPU" curl -s --noproxy '' "http://127.0.0.1:$HAPROXY_PORT/big.bin" | sha256sum | cut -d' ' -f1)
DEVPROXY_SHA=$(taskset -c "$LOAD_CPU" curl -s -p -x "http://127.0.0.1:$DEVPROXY_PORT" "$URL" | sha256sum | cut -d' ' -f1)
[ "$HAPROXY_SHA" = "$EXPECTED_SHA" ] || { echo "HAProxy changed the bytes" >&2; exit 1; }
[ "$DEVPROXY_SHA" = "$EXPECTED_SHA" ] || { echo "DevProxy's tunnel changed the bytes" >&2; exit 1; }

log "warm-up"
fetch haproxy "http://127.0.0.1:$HAPROXY_PORT/big.bin" >/dev/null
fetch devproxy -p -x "http://127.0.0.1:$DEVPROXY_PORT" "$URL" >/dev/null

HAPROXY_RUNS=() DEVPROXY_RUNS=()
HAPROXY_TICKS=0 DEVPROXY_TICKS=0
for rep in $(seq 1 "$REPEATS"); do
    log "run $rep/$REPEATS"
    t0=$(cpu_ticks "$HAPROXY_PID")
    HAPROXY_RUNS+=("$(fetch haproxy "http://127.0.0.1:$HAPROXY_PORT/big.bin")")
    HAPROXY_TICKS=$((HAPROXY_TICKS + $(cpu_ticks "$HAPROXY_PID") - t0))
    t0=$(cpu_ticks "$DEVPROXY_PID")
    DEVPROXY_RUNS+=("$(fetch devproxy -p -x "http://127.0.0.1:$DEVPROXY_PORT" "$URL")")
    DEVPROXY_TICKS=$((DEVPROXY_TICKS + $(cpu_ticks "$DEVPROXY_PID") - t0))
done

log "holding $TUNNELS tunnels"
HOLD_OUT=$(taskset -c "$LOAD_CPU" python3 "$HERE/hold_tunnels.py" --proxy-port "$DEVPROXY_PORT" \
    --pid "$DEVPROXY_PID" --target "127.0.0.1:$UPSTREAM_PORT" --count "$TUNNELS") || true

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
HZ=$(getconf CLK_TCK)
GIB=$(awk -v r="$REPEATS" -v m="$SIZE_MIB" 'BEGIN { print r * m / 1024 }')
H_MED=$(median "${HAPROXY_RUNS[@]}")
D_MED=$(median "${DEVPROXY_RUNS[@]}")

echo
echo "## Tunnels: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Machine: $(nproc) CPUs ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(uname -sr); $(java -version 2>&1 | sed -n 2p);"
echo "$("$HAPROXY" -v 2>&1 | head -1); $("$NGINX" -v 2>&1 | sed 's/.*: //'); curl $(curl --version | head -1 | cut -d' ' -f2)."
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ] || COMMIT="$COMMIT with uncommitted changes"
echo "DevProxy built from $COMMIT: java ${JVM_FLAGS[*]} -jar devproxy-core.jar --io-threads 1 --forward-proxy true."
echo "HAProxy: mode tcp, nbthread 1. Servers on CPU $SERVER_CPU, curl on CPU $LOAD_CPU; $REPEATS runs of $SIZE_MIB MiB each, taking turns,"
echo "after one warm-up each; the bytes were checked by SHA-256 through both."
echo
echo "| proxy | MiB/s (median) | MiB/s of each run | CPU s per GiB | vs HAProxy |"
echo "| --- | ---: | --- | ---: | ---: |"
awk -v m="$H_MED" -v runs="${HAPROXY_RUNS[*]}" -v t="$HAPROXY_TICKS" -v hz="$HZ" -v g="$GIB" 'BEGIN {
    gsub(/ /, " / ", runs); printf "| HAProxy `mode tcp` | %d | %s | %.3f |  |\n", m, runs, t / hz / g }'
awk -v m="$D_MED" -v h="$H_MED" -v runs="${DEVPROXY_RUNS[*]}" -v t="$DEVPROXY_TICKS" -v hz="$HZ" -v g="$GIB" 'BEGIN {
    gsub(/ /, " / ", runs); printf "| DevProxy CONNECT tunnel | %d | %s | %.3f | %.2f× |\n", m, runs, t / hz / g, m / h }'
echo
echo "### $TUNNELS tunnels at once (DevProxy, the same process)"
echo
echo "$HOLD_OUT"
echo
echo "Raw outputs: $RESULTS"
