#!/usr/bin/env python3
"""Opens N CONNECT tunnels through a DevProxy at once, uses each, closes them, and checks nothing is left behind.

  1. baseline: the server's open file descriptors (/proc/PID/fd) and heap in use after a full GC (jcmd);
  2. opens N connections one after another; on each sends `CONNECT host:port`, reads the 200, then sends a GET
     through the tunnel to the target (an HTTP server) and reads its whole response (by Content-Length);
  3. with all N open and used: devproxy_open_tunnels from /metrics, descriptors and heap again;
  4. closes all N, waits (bounded) until /metrics says no tunnel is open and the descriptors are back near the
     baseline (a selector frees a closed socket's descriptor at its next select), then descriptors and heap.

Errors are tunnels that failed to open or requests through them that did not get a 200. Everything stays on
127.0.0.1; every socket operation times out after 10 s.

Run by tunnels.sh; by hand:  hold_tunnels.py --proxy-port P --pid PID --target 127.0.0.1:8080 --count 1000
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import time

TIMEOUT_S = 10.0


def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise OSError("closed before a response head")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def use_tunnel(sock, target_host):
    sock.sendall(("GET /small.txt HTTP/1.1\r\nHost: %s\r\n\r\n" % target_host).encode())
    head, body = read_head(sock)
    length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise OSError("closed in a response body")
        body += chunk
    return int(re.match(rb"HTTP/1\.[01] (\d{3})", head).group(1))


def metric(port, name):
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as sock:
        sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    match = re.search(rb"(?m)^%s (\d+)" % name.encode(), data)
    return int(match.group(1)) if match else -1


def descriptors(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def heap_used(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=120, check=True)
    info = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=120,
                          check=True).stdout
    total = 0
    for line in info.splitlines():
        if re.search(r"(generation|garbage-first heap)", line) and "Metaspace" not in line:
            match = re.search(r"used (\d+)K", line)
            if match:
                total += int(match.group(1)) * 1024
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--proxy-port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--target", required=True, help="host:port of an HTTP server serving /small.txt")
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()

    before_fds, before_heap = descriptors(args.pid), heap_used(args.pid)
    held, errors = [], 0
    started = time.monotonic()
    for i in range(args.count):
        try:
            sock = socket.create_connection(("127.0.0.1", args.proxy_port), timeout=TIMEOUT_S)
            held.append(sock)
            sock.sendall(("CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (args.target, args.target)).encode())
            head, _ = read_head(sock)
            if not head.startswith(b"HTTP/1.1 200"):
                errors += 1
                continue
            if use_tunnel(sock, args.target) != 200:
                errors += 1
        except OSError as e:
            errors += 1
            if errors <= 5:
                print("  tunnel %d failed: %s" % (i, e), file=sys.stderr)
    open_seconds = time.monotonic() - started
    open_tunnels = metric(args.proxy_port, "devproxy_open_tunnels")
    during_fds, during_heap = descriptors(args.pid), heap_used(args.pid)

    for sock in held:
        sock.close()
    deadline = time.monotonic() + 30
    left = open_tunnels
    while time.monotonic() < deadline:
        left = metric(args.proxy_port, "devproxy_open_tunnels")
        if left == 0:
            break
        time.sleep(0.1)  # polling a counter the server updates as the closes arrive, with a 30 s deadline
    # A socket closed while registered with a selector gives its descriptor back at that selector's next
    # select (java.nio), so the count follows the metric by up to one turn of an idle loop: poll, bounded.
    while time.monotonic() < deadline and descriptors(args.pid) > before_fds + 4:
        time.sleep(0.1)
    after_fds, after_heap = descriptors(args.pid), heap_used(args.pid)

    print("| tunnels | opened and used in | errors | open tunnels (metrics) | descriptors before / during / after "
          "| heap before / during / after | heap / tunnel while open | tunnels left after closing |")
    print("| ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |")
    print("| %d | %.1f s | %d | %d | %d / %d / %d | %.1f / %.1f / %.1f MiB | %.0f B | %d |" % (
        args.count, open_seconds, errors, open_tunnels, before_fds, during_fds, after_fds,
        before_heap / 2**20, during_heap / 2**20, after_heap / 2**20,
        (during_heap - before_heap) / args.count, left))
    # Each tunnel holds two sockets in the server: the client's and the upstream's. Back to the baseline
    # within a few descriptors (the JVM's own) means none leaked; so does a heap back within 1 MiB.
    leaked = after_fds > before_fds + 4 or after_heap > before_heap + 2**20 or left != 0
    failed = errors > 0 or open_tunnels != args.count or leaked
    print()
    print("verdict: %s" % ("no descriptor, tunnel or heap left behind" if not failed else "FAILED"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
