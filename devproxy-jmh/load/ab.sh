#!/usr/bin/env bash
# Two builds of the standalone jar, A and B, in turn against the same nginx upstream: echo (GET /) and proxy
# (GET /proxy/ to nginx `return 200`), ROUNDS times A then B, each a 5 s wrk warm-up then a DURATION wrk run
# with --latency, DevProxy pinned to CPU 0 (--io-threads 1) and wrk to CPU 1, as load.sh does.
#
# Besides req/s and p99 it reports the server's own CPU time per request (utime + stime of the DevProxy
# process from /proc/<pid>/stat over the measured run, divided by the requests wrk completed). That figure
# holds up when other jobs share the machine, where req/s and latency do not: use it to compare two commits
# on a machine that is not quiet, and load.sh on one that is.
#
#   devproxy-jmh/load/ab.sh A.jar B.jar            # ROUNDS (2), DURATION (10s), CONNECTIONS (100)
#
# Not part of CI. Traffic stays on 127.0.0.1; every run is bounded in time. Needs wrk and nginx (load.sh
# installs both).
set -euo pipefail
A=$1 B=$2
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-100}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
WORK=$(mktemp -d /tmp/devproxy-ab.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

UPSTREAM_PORT=$(free_port)
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/upstream.conf" <<CONF
worker_processes 1; daemon off; error_log $WORK/nginx/error.log; pid $WORK/nginx/nginx.pid;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$UPSTREAM_PORT; location / { return 200 "ok"; } } }
CONF
taskset -c 0 "$NGINX" -c "$WORK/nginx/upstream.conf" -p "$WORK/nginx" &
PIDS+=($!)
wait_for "http://127.0.0.1:$UPSTREAM_PORT/"

HZ=$(getconf CLK_TCK)
printf '%-6s %-5s %-8s %10s %10s %14s\n' round build target 'req/s' 'p99' 'CPU us/req'
for round in $(seq "$ROUNDS"); do
    for build in A B; do
        jar=$A; [ "$build" = B ] && jar=$B
        port=$(free_port)
        taskset -c 0 java -Xms512m -Xmx512m -XX:+UseSerialGC -jar "$jar" --port "$port" --upstream-host 127.0.0.1 \
            --upstream-port "$UPSTREAM_PORT" --io-threads 1 --max-connections 20000 > "$WORK/devproxy-$build-$round.log" 2>&1 &
        pid=$!
        wait_for "http://127.0.0.1:$port/ready"
        for target in echo proxy; do
            url="http://127.0.0.1:$port/"; [ "$target" = proxy ] && url="http://127.0.0.1:$port/proxy/"
            taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d5s "$url" > /dev/null
            before=$(cpu_ticks "$pid")
            out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$url")
            after=$(cpu_ticks "$pid")
            requests=$(echo "$out" | awk '/requests in/ { print $1 }')
            rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
            p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
            us=$(awk -v t=$((after - before)) -v hz="$HZ" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
            printf '%-6s %-5s %-8s %10s %10s %14s\n' "$round" "$build" "$target" "$rps" "$p99" "$us"
        done
        kill "$pid"; wait "$pid" 2>/dev/null || true
    done
done
echo "A: $A"; echo "B: $B"; echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
