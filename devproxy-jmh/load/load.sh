#!/usr/bin/env bash
# DevProxy against nginx under load, on one machine, in one run:
#
#   - DevProxy echo            vs  nginx `return 200 "ok"`
#   - DevProxy proxy → nginx   vs  nginx `proxy_pass` → the same upstream nginx
#
# Both proxies keep idle upstream connections the same way: nginx's `keepalive` holds up to CONNECTIONS per
# worker for 4 s, as DevProxy's pool holds as many as it has clients (up to --max-connections per loop) for
# 4 s. Neither then closes an idle connection that the next request needs and reopens it; a smaller nginx
# pool (it was 64, against 100 clients) would measure nginx's connection churn, not its forwarding.
#
# Every server runs on CPU 0 (taskset), every load generator on CPU 1. Each target gets a discarded 5 s wrk
# warm-up, then, three times over and taking turns, `wrk -t1 -c100 -d10s --latency` and `hey -n 25000 -c 100`.
# One table follows: medians of the three runs for req/s, p50 and p99, the sum of errors, and DevProxy's
# ratios to the nginx row it is compared with. Then a fresh DevProxy holds 1,000 and then 10,000 idle
# keep-alive connections (hold_connections.py), reporting heap and RSS per connection and whether requests on
# other connections still succeed.
#
# Not part of CI. Run it from anywhere in the repository, as root (it installs wrk, hey, nginx and taskset
# when they are missing), on a machine with at least 2 CPUs. All traffic stays on 127.0.0.1; every load run is
# bounded in requests or time. Where several people share a machine, run it under the shared lock, and
# build first (the script's own build would otherwise wait on that lock forever):
#
#   flock /tmp/mvn.lock ./mvnw -B -ntp -q -DskipTests package
#   SKIP_BUILD=1 flock /tmp/mvn.lock devproxy-jmh/load/load.sh
#
# Settings (environment): REPEATS (3), DURATION (10s), HEY_REQUESTS (25000), CONNECTIONS (100),
# HEAP (512m: DevProxy's -Xms and -Xmx), HOLD_COUNTS (1000,10000), SKIP_BUILD (0), SKIP_HOLD (0),
# TARGETS (devproxy-echo,nginx-return,devproxy-proxy,nginx-proxy; a subset, such as devproxy-proxy,nginx-proxy,
# measures only those, still in that order; the HTTPS targets below are measured only when named),
# JAR (the jar this checkout builds; point it at a copy of another commit's, with SKIP_BUILD=1, to compare two
# builds in turn against the same nginx), JFR (0; 1 records a flight recording of DevProxy during the measured runs into the results directory),
# RESULTS (a new /tmp/devproxy-load.XXXXXX; raw outputs stay there), HOLD_TLS (0; 1 also holds idle TLS
# connections on the HTTPS listener of the same fresh DevProxy, after the plain ones),
# WIREMOCK_VERSION (3.13.2, fetched into the local Maven repository when a wiremock target is named).
#
# HTTPS: the targets devproxy-echo-tls, nginx-return-tls and wiremock-tls are keep-alive loads like the plain
# ones (wrk and hey over TLS); devproxy-handshake, nginx-handshake and wiremock-handshake make a new connection,
# and so a full handshake, for every request (hey -disable-keepalive; hey keeps no session cache, so none is
# resumed). All three servers present the same EC P-256 certificate (made here by openssl) and are held to
# TLS 1.3 with TLS_AES_128_GCM_SHA256; the report prints what each one negotiated. WireMock runs standalone
# with its request journal off (as DevProxy's standalone jar keeps its own), HTTP/2 off (the clients speak
# HTTP/1.1) and a single stub answering `200 ok` on every path:
#
#   TARGETS=devproxy-echo-tls,nginx-return-tls,wiremock-tls,devproxy-handshake,nginx-handshake,wiremock-handshake \
#       HOLD_TLS=1 HOLD_COUNTS=1000 SKIP_BUILD=1 devproxy-jmh/load/load.sh
set -euo pipefail

REPEATS=${REPEATS:-3}
DURATION=${DURATION:-10s}
HEY_REQUESTS=${HEY_REQUESTS:-25000}
CONNECTIONS=${CONNECTIONS:-100}
HEAP=${HEAP:-512m}
HOLD_COUNTS=${HOLD_COUNTS:-1000,10000}
SERVER_CPU=0
LOAD_CPU=1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# JAR: another build of the standalone jar (with SKIP_BUILD=1), to compare two commits against the same nginx.
JAR=${JAR:-"$ROOT/devproxy-core/target/devproxy-core-0.1.0-SNAPSHOT.jar"}
# Serial GC: pinned to one CPU the JVM would choose it anyway; naming it keeps the flags complete.
JVM_FLAGS=(-Xms"$HEAP" -Xmx"$HEAP" -XX:+UseSerialGC)

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- Tools ------------------------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v hey >/dev/null 2>&1 || missing+=(hey)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ "$(nproc)" -lt 2 ]; then
    echo "needs at least 2 CPUs: one for the servers, one for the load generator" >&2
    exit 1
fi
# 10,000 held connections need 10,000 descriptors in the client and as many in DevProxy.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" -lt 10200 ]; then
    log "warning: ulimit -n is $(ulimit -n); holding 10,000 connections needs about 10,200 per process"
fi

# ---- Build ------------------------------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; then
    log "building"
    (cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests -pl devproxy-core -am package)
fi

# ---- Scratch space and cleanup ----------------------------------------------------------------------------
RESULTS=${RESULTS:-$(mktemp -d /tmp/devproxy-load.XXXXXX)}
mkdir -p "$RESULTS/raw" "$RESULTS/nginx/tmp"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT INT TERM

# A port nothing listens on now (bash's /dev/tcp connect fails), below the ephemeral range: the upstream
# connections this script churns through leave ports of that range in TIME_WAIT, where nginx cannot bind.
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
        if curl -s -o /dev/null "$1"; then
            return
        fi
        sleep 0.2
    done
    echo "$2 did not come up at $1" >&2
    return 1
}

# ---- TLS: one certificate for every HTTPS server, one cipher suite --------------------------------------
TLS_SUITE=TLS_AES_128_GCM_SHA256
TLS_DIR="$RESULTS/tls"
mkdir -p "$TLS_DIR"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" 2>/dev/null
openssl pkcs12 -export -inkey "$TLS_DIR/key.pem" -in "$TLS_DIR/cert.pem" -name server -passout pass:changeit \
    -out "$TLS_DIR/server.p12"
# The JDK's servers (DevProxy's, WireMock's Jetty) offer only this suite; nginx is told the same below.
TLS_JVM_FLAGS=(-Djdk.tls.server.cipherSuites="$TLS_SUITE" -Djdk.tls.server.protocols=TLSv1.3)

# ---- nginx: an upstream, and a front with `return 200` and `proxy_pass` ------------------------------------
UPSTREAM_PORT=$(free_port)
NGINX_TLS_PORT=$(free_port)
NGINX_RETURN_PORT=$(free_port)
NGINX_PROXY_PORT=$(free_port)
nginx_conf() { # name servers...
    local name=$1
    shift
    cat > "$RESULTS/nginx/$name.conf" <<CONF
daemon off;
worker_processes 1;
error_log $RESULTS/nginx/$name-error.log warn;
pid $RESULTS/nginx/$name.pid;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $RESULTS/nginx/tmp/$name-body;
    proxy_temp_path $RESULTS/nginx/tmp/$name-proxy;
    fastcgi_temp_path $RESULTS/nginx/tmp/$name-fastcgi;
    uwsgi_temp_path $RESULTS/nginx/tmp/$name-uwsgi;
    scgi_temp_path $RESULTS/nginx/tmp/$name-scgi;
    # nginx closes a client connection after 1000 requests by default; DevProxy never does.
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    $*
}
CONF
}
nginx_conf upstream "server { listen 127.0.0.1:$UPSTREAM_PORT; location / { return 200 \"ok\"; } }"
nginx_conf front "
    upstream u {
        server 127.0.0.1:$UPSTREAM_PORT;
        keepalive $CONNECTIONS; keepalive_timeout 4s; keepalive_requests 1000000;
    }
    server { listen 127.0.0.1:$NGINX_RETURN_PORT; location / { return 200 \"ok\"; } }
    server {
        listen 127.0.0.1:$NGINX_PROXY_PORT;
        # Like DevProxy's /proxy/ prefix: stripped before forwarding.
        location /proxy/ { proxy_pass http://u/; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
    }
    server {
        listen 127.0.0.1:$NGINX_TLS_PORT ssl;
        ssl_certificate $TLS_DIR/cert.pem;
        ssl_certificate_key $TLS_DIR/key.pem;
        ssl_protocols TLSv1.3;
        ssl_conf_command Ciphersuites $TLS_SUITE;
        location / { return 200 \"ok\"; }
    }"
for name in upstream front; do
    taskset -c "$SERVER_CPU" "$NGINX" -c "$RESULTS/nginx/$name.conf" -p "$RESULTS/nginx" &
    PIDS+=($!)
done
wait_for "http://127.0.0.1:$UPSTREAM_PORT/" "nginx upstream"
wait_for "http://127.0.0.1:$NGINX_RETURN_PORT/" "nginx return"
wait_for "http://127.0.0.1:$NGINX_PROXY_PORT/proxy/" "nginx proxy_pass"

# ---- DevProxy ---------------------------------------------------------------------------------------------
start_devproxy() { # port log extra-jvm-flags... -- extra-proxy-flags...
    local port=$1 logfile=$2
    shift 2
    local jvm=() proxy=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do jvm+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    proxy=("$@")
    taskset -c "$SERVER_CPU" java "${JVM_FLAGS[@]}" "${TLS_JVM_FLAGS[@]}" ${jvm[@]+"${jvm[@]}"} -jar "$JAR" \
        --port "$port" --upstream-host 127.0.0.1 --upstream-port "$UPSTREAM_PORT" \
        --io-threads 1 --max-connections 20000 ${proxy[@]+"${proxy[@]}"} > "$logfile" 2>&1 &
    DEVPROXY_PID=$!
    PIDS+=("$DEVPROXY_PID")
    wait_for "http://127.0.0.1:$port/ready" DevProxy
}
DEVPROXY_PORT=$(free_port)
DEVPROXY_TLS_PORT=$(free_port)
TLS_LISTENER=(--tls-keystore "$TLS_DIR/server.p12" --tls-keystore-password changeit)
JFR_FLAGS=()
if [ "${JFR:-0}" = 1 ]; then
    JFR_FLAGS=(-XX:StartFlightRecording=filename="$RESULTS/devproxy.jfr",settings=profile)
fi
start_devproxy "$DEVPROXY_PORT" "$RESULTS/devproxy.log" ${JFR_FLAGS[@]+"${JFR_FLAGS[@]}"} -- \
    --tls-port "$DEVPROXY_TLS_PORT" "${TLS_LISTENER[@]}"
LOAD_PID=$DEVPROXY_PID

declare -A URL=(
    [devproxy-echo]="http://127.0.0.1:$DEVPROXY_PORT/"
    [nginx-return]="http://127.0.0.1:$NGINX_RETURN_PORT/"
    [devproxy-proxy]="http://127.0.0.1:$DEVPROXY_PORT/proxy/"
    [nginx-proxy]="http://127.0.0.1:$NGINX_PROXY_PORT/proxy/"
    [devproxy-echo-tls]="https://127.0.0.1:$DEVPROXY_TLS_PORT/"
    [nginx-return-tls]="https://127.0.0.1:$NGINX_TLS_PORT/"
    [devproxy-handshake]="https://127.0.0.1:$DEVPROXY_TLS_PORT/"
    [nginx-handshake]="https://127.0.0.1:$NGINX_TLS_PORT/"
)
IFS=, read -r -a TARGETS <<< "${TARGETS:-devproxy-echo,nginx-return,devproxy-proxy,nginx-proxy}"

# ---- WireMock, only when a target names it ----------------------------------------------------------------
WIREMOCK_WANTED=${WIREMOCK_VERSION:-3.13.2}
WIREMOCK_VERSION="" # stays empty unless WireMock runs
if [[ " ${TARGETS[*]} " == *wiremock* ]]; then
    WIREMOCK_VERSION=$WIREMOCK_WANTED
    WIREMOCK_JAR="$HOME/.m2/repository/org/wiremock/wiremock-standalone/$WIREMOCK_VERSION/wiremock-standalone-$WIREMOCK_VERSION.jar"
    if [ ! -f "$WIREMOCK_JAR" ]; then
        log "fetching wiremock-standalone $WIREMOCK_VERSION"
        (cd "$ROOT" && ./mvnw -q -B -ntp dependency:get -Dartifact="org.wiremock:wiremock-standalone:$WIREMOCK_VERSION")
    fi
    mkdir -p "$RESULTS/wiremock/mappings"
    cat > "$RESULTS/wiremock/mappings/ok.json" <<'JSON'
{ "request": { "method": "ANY", "urlPattern": ".*" }, "response": { "status": 200, "body": "ok" } }
JSON
    WIREMOCK_PORT=$(free_port)
    WIREMOCK_TLS_PORT=$(free_port)
    taskset -c "$SERVER_CPU" java "${JVM_FLAGS[@]}" "${TLS_JVM_FLAGS[@]}" -jar "$WIREMOCK_JAR" \
        --port "$WIREMOCK_PORT" --https-port "$WIREMOCK_TLS_PORT" --https-keystore "$TLS_DIR/server.p12" \
        --keystore-type PKCS12 --keystore-password changeit --key-manager-password changeit \
        --root-dir "$RESULTS/wiremock" --no-request-journal --disable-http2-tls --disable-banner \
        > "$RESULTS/wiremock.log" 2>&1 &
    PIDS+=($!)
    wait_for "http://127.0.0.1:$WIREMOCK_PORT/" WireMock
    URL[wiremock-tls]="https://127.0.0.1:$WIREMOCK_TLS_PORT/"
    URL[wiremock-handshake]="https://127.0.0.1:$WIREMOCK_TLS_PORT/"
fi
for target in "${TARGETS[@]}"; do
    if [ -z "${URL[$target]:-}" ]; then
        echo "unknown target '$target' in TARGETS; known: ${!URL[*]} wiremock-tls wiremock-handshake" >&2
        exit 1
    fi
done
for target in "${TARGETS[@]}"; do
    status=$(curl -s --cacert "$TLS_DIR/cert.pem" -o /dev/null -w '%{http_code}' "${URL[$target]}")
    if [ "$status" != 200 ]; then
        echo "$target answered $status at ${URL[$target]}" >&2
        exit 1
    fi
done

# ---- Load -------------------------------------------------------------------------------------------------
# CPU seconds (all CPUs) the machine spent busy, and those spent by this script's processes: the servers
# (from /proc, threads and nginx workers included) and the finished load generators (bash's `times`, which
# must run in this shell, not in a $(...) subshell: it reports the calling shell's children).
busy_seconds() { # user, nice, system, irq, softirq and steal; not idle or iowait
    awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat
}
own_seconds() {
    local ticks=0 pid children
    for pid in "${PIDS[@]}"; do
        children=$(pgrep -P "$pid" || true)
        for p in "$pid" $children; do
            if [ -r "/proc/$p/stat" ]; then
                ticks=$((ticks + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
            fi
        done
    done
    local generators
    generators=$(awk 'NR == 2 { gsub(/[ms]/, " "); print $1 * 60 + $2 + $3 * 60 + $4 }' "$RESULTS/times.txt")
    awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v g="$generators" 'BEGIN { printf "%.2f", t / hz + g }'
}
BUSY_BEFORE=$(busy_seconds)
times > "$RESULTS/times.txt"
OWN_BEFORE=$(own_seconds)
LOAD_STARTED=$(date +%s)
# A *-handshake target is loaded by hey alone, with a new connection per request: wrk would resume sessions.
# hey gets `-host localhost` everywhere: it sends its Host header as the TLS server name, and "127.0.0.1:PORT"
# is no host name (the JDK's servers refuse the handshake with illegal_parameter; OpenSSL lets it pass).
for target in "${TARGETS[@]}"; do
    if [[ $target == *-handshake ]]; then
        log "warm-up: hey -disable-keepalive against $target"
        taskset -c "$LOAD_CPU" hey -disable-keepalive -host localhost -n "$((HEY_REQUESTS / 5))" \
            -c "$CONNECTIONS" "${URL[$target]}" > "$RESULTS/warmup.$target.txt"
    else
        log "warm-up: wrk 5s against $target"
        taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d5s "${URL[$target]}" > "$RESULTS/warmup.$target.txt"
    fi
done
for rep in $(seq 1 "$REPEATS"); do
    for target in "${TARGETS[@]}"; do
        if [[ $target == *-handshake ]]; then
            log "run $rep/$REPEATS: hey -disable-keepalive against $target"
            taskset -c "$LOAD_CPU" hey -disable-keepalive -host localhost -n "$HEY_REQUESTS" -c "$CONNECTIONS" \
                "${URL[$target]}" > "$RESULTS/raw/$target.hey.$rep.txt"
            continue
        fi
        log "run $rep/$REPEATS: wrk and hey against $target"
        taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "${URL[$target]}" \
            > "$RESULTS/raw/$target.wrk.$rep.txt"
        taskset -c "$LOAD_CPU" hey -host localhost -n "$HEY_REQUESTS" -c "$CONNECTIONS" "${URL[$target]}" \
            > "$RESULTS/raw/$target.hey.$rep.txt"
    done
done
NEGOTIATED=""
for target in "${TARGETS[@]}"; do
    if [[ ${URL[$target]} == https:* ]]; then
        hostport=${URL[$target]#https://}
        hostport=${hostport%/}
        NEGOTIATED+="$target: $(openssl s_client -connect "$hostport" -servername localhost </dev/null 2>/dev/null \
            | sed -n 's/^New, //p' | head -1); "
    fi
done
BUSY_AFTER=$(busy_seconds)
times > "$RESULTS/times.txt"
OWN_AFTER=$(own_seconds)
LOAD_SECONDS=$(($(date +%s) - LOAD_STARTED))
DEVPROXY_ERRORS=$(curl -s "http://127.0.0.1:$DEVPROXY_PORT/metrics" | awk '/^devproxy_errors_total/ && $2 != 0' || true)
if [ "${JFR:-0}" = 1 ]; then
    jcmd "$LOAD_PID" JFR.dump filename="$RESULTS/devproxy.jfr" >/dev/null
fi
kill "$LOAD_PID"
wait "$LOAD_PID" 2>/dev/null || true

# ---- Idle connections -------------------------------------------------------------------------------------
HOLD_OUT=""
if [ "${SKIP_HOLD:-0}" != 1 ]; then
    HOLD_PORT=$(free_port)
    # A fresh JVM with its heap touched up front, so RSS grows only with what the connections add outside the
    # heap. MarkSweepDeadRatio=0: otherwise a full GC may leave dead objects in place as filler (up to 5% of
    # the old generation), and the connections of the previous round would count in the next baseline. The
    # keep-alive timeout is raised above the time the 10,000 take to open and measure.
    HOLD_FLAGS=(-XX:+AlwaysPreTouch -XX:MarkSweepDeadRatio=0)
    HOLD_TLS_PORT=$(free_port)
    start_devproxy "$HOLD_PORT" "$RESULTS/devproxy-hold.log" "${HOLD_FLAGS[@]}" -- --keep-alive-timeout 600 \
        --tls-port "$HOLD_TLS_PORT" "${TLS_LISTENER[@]}"
    log "holding idle connections: $HOLD_COUNTS"
    HOLD_OUT=$(taskset -c "$LOAD_CPU" python3 "$HERE/hold_connections.py" --port "$HOLD_PORT" \
        --pid "$DEVPROXY_PID" --counts "$HOLD_COUNTS" --wrk "taskset -c $LOAD_CPU wrk") || true
    if [ "${HOLD_TLS:-0}" = 1 ]; then
        log "holding idle TLS connections: $HOLD_COUNTS"
        HOLD_OUT+=$'\n\n'"### The same over TLS (HTTPS listener of the same DevProxy, TLS 1.3, $TLS_SUITE)"$'\n\n'
        HOLD_OUT+=$(taskset -c "$LOAD_CPU" python3 "$HERE/hold_connections.py" --port "$HOLD_TLS_PORT" --tls \
            --pid "$DEVPROXY_PID" --counts "$HOLD_COUNTS" --wrk "taskset -c $LOAD_CPU wrk") || true
    fi
    kill "$DEVPROXY_PID"
    wait "$DEVPROXY_PID" 2>/dev/null || true
fi

# ---- Report -----------------------------------------------------------------------------------------------
JAVA_VERSION=$(java -version 2>&1 | sed -n 2p)
echo
echo "## Load: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Machine: $(nproc) CPUs ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr); $JAVA_VERSION;"
echo "$("$NGINX" -v 2>&1 | sed 's/.*: //'); wrk $(dpkg-query -W -f '${Version}' wrk 2>/dev/null || echo '?'); hey $(dpkg-query -W -f '${Version}' hey 2>/dev/null || echo '?')."
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]; then
    COMMIT="$COMMIT with uncommitted changes"
fi
echo "DevProxy built from $COMMIT."
echo "Servers on CPU $SERVER_CPU, load generators on CPU $LOAD_CPU. DevProxy: java ${JVM_FLAGS[*]} -jar devproxy-core.jar --io-threads 1 --max-connections 20000 (journal off in the standalone jar)."
echo "nginx: worker_processes 1, access_log off, keepalive_requests 1000000; proxy_pass through upstream keepalive $CONNECTIONS, keepalive_timeout 4s."
echo "Each of $REPEATS runs: wrk -t1 -c$CONNECTIONS -d$DURATION --latency, then hey -n $HEY_REQUESTS -c $CONNECTIONS; targets take turns; one 5 s wrk warm-up each first."
echo
python3 "$HERE/summarize.py" "$RESULTS/raw"
if [ -n "$NEGOTIATED" ]; then
    echo
    echo "TLS: one EC P-256 certificate (openssl), servers held to TLS 1.3 and $TLS_SUITE; negotiated: $NEGOTIATED"
    echo "hey -disable-keepalive: a full handshake per request (no session cache)."
    if [ -n "$WIREMOCK_VERSION" ]; then
        echo "WireMock $WIREMOCK_VERSION standalone: java ${JVM_FLAGS[*]}, --no-request-journal --disable-http2-tls, one stub answering 200 ok."
    fi
fi
echo
echo "DevProxy's own error counters after the runs: ${DEVPROXY_ERRORS:-none} (wrk and hey stop with requests"
echo "in flight; DevProxy counts those as client_abort)."
# Busy time includes softirq, where the kernel moves loopback packets: here it also shows in the times of
# the processes that send them, so both sides count it.
awk -v b="$BUSY_AFTER" -v a="$BUSY_BEFORE" -v o="$OWN_AFTER" -v p="$OWN_BEFORE" -v s="$LOAD_SECONDS" \
    -v n="$(nproc)" 'BEGIN {
    printf "CPU time while measuring (%d s wall, %d CPUs): %.1f s busy, %.1f s of it in this script'"'"'s processes:\n", \
        s, n, b - a, o - p
    printf "%.1f s elsewhere. More than a few seconds there means something else ran and disturbed the numbers.\n", \
        (b - a) - (o - p) }'

if [ -n "$HOLD_OUT" ]; then
    echo
    echo "## Idle keep-alive connections (fresh DevProxy, ${JVM_FLAGS[*]} ${HOLD_FLAGS[*]}, --keep-alive-timeout 600)"
    echo
    echo "$HOLD_OUT"
fi
echo
echo "Raw outputs: $RESULTS"
