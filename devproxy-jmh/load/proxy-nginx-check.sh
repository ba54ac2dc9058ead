#!/usr/bin/env bash
# Proxy mode against a real server: nginx serves a large generated file, DevProxy forwards /proxy/* to it,
# and curl downloads the file and uploads it back (PUT, with Content-Length and chunked) through the proxy.
# Every transfer is checked byte for byte with sha256sum. Exits non-zero on any mismatch or failure.
#
# Not part of CI: run it by hand from anywhere in the repository, as root (it installs nginx and curl when
# they are missing). Traffic stays on 127.0.0.1.
#
#   devproxy-jmh/load/proxy-nginx-check.sh [size-in-MiB]     # default 512
#   SKIP_BUILD=1 devproxy-jmh/load/proxy-nginx-check.sh      # reuse devproxy-core/target/*.jar
set -euo pipefail

SIZE_MIB=${1:-512}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/devproxy-core/target/devproxy-core-0.1.0-SNAPSHOT.jar"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

# ---- Tools ------------------------------------------------------------------------------------------------
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] || ! command -v curl >/dev/null 2>&1; then
    log "installing nginx and curl"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light curl \
        || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx curl
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
HAS_DAV=0
if "$NGINX" -V 2>&1 | grep -q -- '--with-http_dav_module'; then
    HAS_DAV=1
fi

# ---- Build ------------------------------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; then
    log "building devproxy-core"
    (cd "$ROOT" && ./mvnw -q -B -ntp -DskipTests -pl devproxy-core -am package)
fi

# ---- Scratch space and cleanup ----------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/proxy-nginx-check.XXXXXX)
NGINX_PID=""
PROXY_PID=""
cleanup() {
    [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null || true
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# A port nothing listens on now (bash's /dev/tcp connect fails); a small race, fine for a manual check.
free_port() {
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 40000))
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

# ---- nginx ------------------------------------------------------------------------------------------------
mkdir -p "$WORK/www/upload" "$WORK/tmp"
log "generating a ${SIZE_MIB} MiB file"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > "$WORK/www/big.bin"
EXPECTED=$(sha256sum "$WORK/www/big.bin" | cut -d' ' -f1)

NGINX_PORT=$(free_port)
DAV_LOCATION=""
if [ "$HAS_DAV" = 1 ]; then
    DAV_LOCATION="location /upload/ { dav_methods PUT; create_full_put_path on; client_max_body_size 0; }"
fi
cat > "$WORK/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
error_log $WORK/nginx-error.log warn;
pid $WORK/nginx.pid;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $WORK/tmp/body;
    proxy_temp_path $WORK/tmp/proxy;
    fastcgi_temp_path $WORK/tmp/fastcgi;
    uwsgi_temp_path $WORK/tmp/uwsgi;
    scgi_temp_path $WORK/tmp/scgi;
    sendfile on;
    keepalive_timeout 30s;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/www;
        $DAV_LOCATION
    }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" &
NGINX_PID=$!
wait_for "http://127.0.0.1:$NGINX_PORT/" nginx
log "nginx on 127.0.0.1:$NGINX_PORT (PUT uploads: $([ "$HAS_DAV" = 1 ] && echo yes || echo 'no dav module'))"

# ---- DevProxy ---------------------------------------------------------------------------------------------
PROXY_PORT=$(free_port)
java -jar "$JAR" --port "$PROXY_PORT" --upstream-host 127.0.0.1 --upstream-port "$NGINX_PORT" \
    --max-body-size $((SIZE_MIB * 1024 * 1024 * 2)) > "$WORK/devproxy.log" 2>&1 &
PROXY_PID=$!
wait_for "http://127.0.0.1:$PROXY_PORT/ready" DevProxy
log "DevProxy on 127.0.0.1:$PROXY_PORT forwarding to nginx"

FAILED=0
check() { # what expected actual
    if [ "$2" = "$3" ]; then
        log "OK   $1"
    else
        log "FAIL $1: expected $2, got $3"
        FAILED=1
    fi
}

# ---- Download ---------------------------------------------------------------------------------------------
log "downloading through the proxy"
start=$(date +%s.%N)
curl -sS -f -o "$WORK/downloaded.bin" "http://127.0.0.1:$PROXY_PORT/proxy/big.bin"
end=$(date +%s.%N)
check "download of ${SIZE_MIB} MiB ($(awk "BEGIN { printf \"%.0f\", $SIZE_MIB / ($end - $start) }") MiB/s)" \
    "$EXPECTED" "$(sha256sum "$WORK/downloaded.bin" | cut -d' ' -f1)"
rm -f "$WORK/downloaded.bin"

log "downloading a byte range through the proxy"
RANGE=$(curl -sS -f -r 1000-1999 "http://127.0.0.1:$PROXY_PORT/proxy/big.bin" | sha256sum | cut -d' ' -f1)
check "range 1000-1999" "$(tail -c +1001 "$WORK/www/big.bin" | head -c 1000 | sha256sum | cut -d' ' -f1)" "$RANGE"

# ---- Upload -----------------------------------------------------------------------------------------------
if [ "$HAS_DAV" = 1 ]; then
    log "uploading with Content-Length (curl sends Expect: 100-continue)"
    curl -sS -f -T "$WORK/www/big.bin" "http://127.0.0.1:$PROXY_PORT/proxy/upload/with-length.bin"
    check "upload with Content-Length" "$EXPECTED" "$(sha256sum "$WORK/www/upload/with-length.bin" | cut -d' ' -f1)"
    rm -f "$WORK/www/upload/with-length.bin"

    log "uploading chunked"
    curl -sS -f -H 'Transfer-Encoding: chunked' -T "$WORK/www/big.bin" \
        "http://127.0.0.1:$PROXY_PORT/proxy/upload/chunked.bin"
    check "chunked upload" "$EXPECTED" "$(sha256sum "$WORK/www/upload/chunked.bin" | cut -d' ' -f1)"
else
    log "SKIP uploads: this nginx has no dav module to accept PUT"
fi

# ---- Metrics ----------------------------------------------------------------------------------------------
ERRORS=$(curl -sS "http://127.0.0.1:$PROXY_PORT/metrics" | awk '/^devproxy_errors_total/ && $2 != 0')
check "no errors in /metrics" "" "$ERRORS"

if [ "$FAILED" != 0 ]; then
    log "DevProxy log:"
    tail -n 50 "$WORK/devproxy.log" || true
    exit 1
fi
log "all transfers byte-exact"
