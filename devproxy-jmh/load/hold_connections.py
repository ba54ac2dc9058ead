#!/usr/bin/env python3
"""Holds N idle keep-alive connections open against a DevProxy and measures what each one costs it.

For each N in --counts (one after the other, all connections of a round closed before the next):

  1. full GC in the server (jcmd GC.run), then its heap in use (jcmd GC.heap_info), RSS (/proc/PID/status)
     and a class histogram: the baseline;
  2. opens N connections one after another; on each sends one GET and reads the whole response (by its
     Content-Length), then leaves the connection open and idle;
  3. full GC again, then the same three measurements: the difference divided by N is the cost per connection;
  4. checks the server still answers: a GET on a fresh connection, a second GET on --probe of the held
     connections (spread evenly), and, with --wrk, a wrk run on 100 other connections while all N stay open;
  5. closes all N.

Errors are connections that failed to open or requests that did not get a 200. Everything stays on
127.0.0.1; each socket operation times out after 10 s and the run ends by itself.

With --tls every connection is a TLS connection (no certificate check: the server is the one on this
machine the caller started), so the same table shows what an idle TLS connection costs.

Run by load.sh; by hand:  hold_connections.py --port P --pid PID --counts 1000,10000 [--wrk 'taskset -c 1 wrk']
                          [--tls]
"""
import argparse
import re
import shlex
import socket
import ssl
import subprocess
import sys
import time

TIMEOUT_S = 10.0


def request(sock, path):
    """Sends one GET on sock and reads the response; returns its status code (0 when it is not HTTP)."""
    sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: hold-connections\r\n\r\n" % path).encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return 0
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    length = int(match.group(1)) if match else 0
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return 0
        body += chunk
    status = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    return int(status.group(1)) if status else 0


TLS_CONTEXT = None  # set by --tls


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if TLS_CONTEXT is not None:
        sock = TLS_CONTEXT.wrap_socket(sock, server_hostname="localhost")
    return sock


def jcmd(pid, *command):
    return subprocess.run(["jcmd", str(pid), *command], capture_output=True, text=True, timeout=120,
                          check=True).stdout


def heap_used_bytes(pid):
    """Heap in use after a full GC: the sum of the 'used' figures of the generations (or of a G1 heap)."""
    jcmd(pid, "GC.run")
    info = jcmd(pid, "GC.heap_info")
    total = 0
    for line in info.splitlines():
        if re.search(r"(generation|garbage-first heap|PSYoungGen|ParOldGen|ZHeap|Shenandoah)", line) \
                and "Metaspace" not in line:
            match = re.search(r"used (\d+)K", line)
            if match:
                total += int(match.group(1)) * 1024
    return total


def rss_bytes(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def histogram(pid):
    """Live bytes by class after a full GC (GC.class_histogram runs one first)."""
    classes = {}
    for line in jcmd(pid, "GC.class_histogram").splitlines():
        match = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if match:
            classes[match.group(3)] = (int(match.group(1)), int(match.group(2)))
    return classes


def measure(pid):
    return {"heap": heap_used_bytes(pid), "rss": rss_bytes(pid), "histogram": histogram(pid)}


def run_wrk(wrk, port, seconds):
    scheme = "https" if TLS_CONTEXT is not None else "http"
    command = shlex.split(wrk) + ["-t1", "-c100", "-d%ds" % seconds, "--latency",
                                  "%s://127.0.0.1:%d/while-held" % (scheme, port)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99_ms = None
    if p99:
        p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return (float(rps.group(1)) if rps else 0.0), errors, p99_ms


def one_round(args, count):
    before = measure(args.pid)
    held = []
    errors = 0
    started = time.monotonic()
    for i in range(count):
        try:
            sock = connect(args.port)
            held.append(sock)
            if request(sock, "/held/%d" % i) != 200:
                errors += 1
        except OSError as e:
            errors += 1
            if errors <= 5:
                print("  connection %d failed: %s" % (i, e), file=sys.stderr)
    open_seconds = time.monotonic() - started
    after = measure(args.pid)

    # The server still serves: a new connection, then held ones, then (optionally) load on other connections.
    fresh_ok = False
    try:
        with connect(args.port) as sock:
            fresh_ok = request(sock, "/fresh") == 200
    except OSError:
        pass
    probe_ok = 0
    probes = min(args.probe, len(held))
    for j in range(probes):
        sock = held[j * len(held) // probes]
        try:
            if request(sock, "/probe") == 200:
                probe_ok += 1
        except OSError:
            pass
    wrk = run_wrk(args.wrk, args.port, args.wrk_seconds) if args.wrk else None

    for sock in held:
        sock.close()

    growth = []
    for name, (instances, size) in after["histogram"].items():
        base_instances, base_size = before["histogram"].get(name, (0, 0))
        growth.append((size - base_size, instances - base_instances, name))
    growth.sort(reverse=True)
    return {
        "count": count, "held": len(held), "errors": errors, "open_seconds": open_seconds,
        "heap_per_conn": (after["heap"] - before["heap"]) / count,
        "rss_per_conn": (after["rss"] - before["rss"]) / count,
        "heap_before": before["heap"], "heap_after": after["heap"],
        "rss_before": before["rss"], "rss_after": after["rss"],
        "fresh_ok": fresh_ok, "probe_ok": probe_ok, "probes": probes, "wrk": wrk, "growth": growth[:12],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True, help="the server's process id, for jcmd and /proc")
    parser.add_argument("--counts", default="1000,10000")
    parser.add_argument("--probe", type=int, default=100, help="held connections asked a second time")
    parser.add_argument("--wrk", default="", help="wrk command to run beside the held connections; empty: none")
    parser.add_argument("--wrk-seconds", type=int, default=5)
    parser.add_argument("--tls", action="store_true", help="TLS connections, certificate not checked")
    args = parser.parse_args()
    if args.tls:
        global TLS_CONTEXT
        TLS_CONTEXT = ssl.create_default_context()
        TLS_CONTEXT.check_hostname = False
        TLS_CONTEXT.verify_mode = ssl.CERT_NONE

    results = []
    for count in [int(c) for c in args.counts.split(",")]:
        print("holding %d connections..." % count, file=sys.stderr)
        results.append(one_round(args, count))
        time.sleep(2)  # let the server close the round's connections before the next baseline

    print("| idle keep-alive connections | opened in | errors | heap / connection | RSS / connection "
          "| new connection | held connections asked again | wrk -c100 beside them: req/s, p99, errors |")
    print("| ---: | ---: | ---: | ---: | ---: | --- | --- | --- |")
    for r in results:
        wrk = r["wrk"]
        wrk_text = "-" if wrk is None else "%.0f, %s ms, %d" % (
            wrk[0], "%.2f" % wrk[2] if wrk[2] is not None else "?", wrk[1])
        print("| %d | %.1f s | %d | %.0f B | %.0f B | %s | %d of %d answered 200 | %s |" % (
            r["count"], r["open_seconds"], r["errors"], r["heap_per_conn"], r["rss_per_conn"],
            "200" if r["fresh_ok"] else "FAILED", r["probe_ok"], r["probes"], wrk_text))
    print()
    for r in results:
        print("%d connections: heap %.1f -> %.1f MiB, RSS %.1f -> %.1f MiB (after a full GC each time)" % (
            r["count"], r["heap_before"] / 2**20, r["heap_after"] / 2**20, r["rss_before"] / 2**20,
            r["rss_after"] / 2**20))
    last = results[-1]
    print()
    print("Heap growth by class with %d connections held (GC.class_histogram, after - before):" % last["count"])
    print("| class | bytes / connection | instances / connection |")
    print("| --- | ---: | ---: |")
    for size, instances, name in last["growth"]:
        if size <= 0:
            break
        print("| `%s` | %.0f | %.2f |" % (name, size / last["count"], instances / last["count"]))
    failed = any(r["errors"] or not r["fresh_ok"] or r["probe_ok"] != r["probes"] for r in results)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
