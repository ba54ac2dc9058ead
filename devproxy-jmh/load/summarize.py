#!/usr/bin/env python3
"""Turns the raw wrk and hey outputs load.sh saved into one table, with DevProxy's ratios to nginx.

Usage: summarize.py RAW_DIR. RAW_DIR holds one file per run, named TARGET.TOOL.REPEAT.txt (TARGET one of
those listed in TARGETS below; TOOL wrk or hey). Each cell of the table is the
median of the repeats (errors: their sum); the individual req/s are listed too.
"""
import os
import re
import statistics
import sys

TARGETS = [
    ("devproxy-echo", "DevProxy echo"),
    ("nginx-return", "nginx `return 200`"),
    ("devproxy-proxy", "DevProxy proxy → nginx"),
    ("nginx-proxy", "nginx `proxy_pass` → nginx"),
    ("devproxy-echo-tls", "DevProxy echo, HTTPS"),
    ("nginx-return-tls", "nginx `return 200`, HTTPS"),
    ("wiremock-tls", "WireMock stub, HTTPS"),
    ("devproxy-handshake", "DevProxy echo, handshake per request"),
    ("nginx-handshake", "nginx `return 200`, handshake per request"),
    ("wiremock-handshake", "WireMock stub, handshake per request"),
]
# Which nginx row each other row is compared with.
BASELINE = {"devproxy-echo": "nginx-return", "devproxy-proxy": "nginx-proxy",
            "devproxy-echo-tls": "nginx-return-tls", "wiremock-tls": "nginx-return-tls",
            "devproxy-handshake": "nginx-handshake", "wiremock-handshake": "nginx-handshake"}
# The share of nginx's req/s each DevProxy row aims for (WireMock rows are there to compare, with no target).
RPS_TARGET = {"devproxy-echo": 1.0, "devproxy-proxy": 1.0, "devproxy-echo-tls": 0.8, "devproxy-handshake": 0.5}
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(text):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))

    def percentile(p):
        match = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % p, text, re.M)
        return float(match.group(1)) * UNIT_MS[match.group(2)]

    errors = 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if non2xx:
        errors += int(non2xx.group(1))
    done = re.search(r"(\d+) requests in ([\d.]+)(\w+), ([\d.]+)(\w+) read", text)
    requests = int(done.group(1))
    size = float(done.group(4)) * {"B": 1, "KB": 1024, "MB": 2**20, "GB": 2**30}[done.group(5)]
    return {"rps": rps, "p50": percentile(50), "p99": percentile(99), "errors": errors,
            "bytes": size / requests if requests else 0.0}


def parse_hey(text):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))

    def percentile(p):
        match = re.search(r"^\s+%s%% in ([\d.]+) secs" % p, text, re.M)
        return float(match.group(1)) * 1000.0

    statuses = {int(code): int(count) for code, count in re.findall(r"\[(\d{3})\]\s+(\d+) responses", text)}
    errors = sum(count for code, count in statuses.items() if code != 200)
    error_section = text.split("Error distribution:", 1)
    if len(error_section) == 2:
        errors += sum(int(n) for n in re.findall(r"^\s+\[(\d+)\]", error_section[1], re.M))
    return {"rps": rps, "p50": percentile(50), "p99": percentile(99), "errors": errors, "bytes": 0.0}


def load(raw_dir):
    runs = {}
    for name in sorted(os.listdir(raw_dir)):
        match = re.match(r"([\w-]+)\.(wrk|hey)\.(\d+)\.txt$", name)
        if not match:
            continue
        target, tool, _ = match.groups()
        with open(os.path.join(raw_dir, name)) as f:
            text = f.read()
        try:
            result = parse_wrk(text) if tool == "wrk" else parse_hey(text)
        except (AttributeError, ZeroDivisionError) as e:
            sys.exit("cannot parse %s (%s):\n%s" % (name, e, text))
        runs.setdefault((target, tool), []).append(result)
    return runs


def summary(results):
    return {
        "rps": statistics.median(r["rps"] for r in results),
        "p50": statistics.median(r["p50"] for r in results),
        "p99": statistics.median(r["p99"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "runs": [r["rps"] for r in results],
        "bytes": statistics.median(r["bytes"] for r in results),
    }


def main():
    runs = load(sys.argv[1])
    table = {key: summary(value) for key, value in runs.items()}
    print("| server | load | req/s (median) | req/s of each run | p50 ms | p99 ms | errors | response bytes "
          "| req/s vs nginx | p99 vs nginx |")
    print("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    verdicts = []
    for tool in ("wrk", "hey"):
        for target, label in TARGETS:
            row = table.get((target, tool))
            if row is None:
                continue
            base = table.get((BASELINE.get(target), tool))
            rps_ratio = p99_ratio = ""
            if base is not None:
                rps_ratio = "%.2f×" % (row["rps"] / base["rps"])
                p99_ratio = "%.2f×" % (row["p99"] / base["p99"])
                if target in RPS_TARGET:
                    verdicts.append((label, tool, RPS_TARGET[target], row["rps"] / base["rps"],
                                     row["p99"] / base["p99"], row["errors"]))
            # wrk counts every byte read, hey only bodies: only wrk's figure is the whole response.
            size = "%.0f" % row["bytes"] if tool == "wrk" else "-"
            print("| %s | %s | %.0f | %s | %.2f | %.2f | %d | %s | %s | %s |" % (
                label, tool, row["rps"], " / ".join("%.0f" % r for r in row["runs"]), row["p50"], row["p99"],
                row["errors"], size, rps_ratio, p99_ratio))
    print()
    print("Targets (req/s ≥ the row's share of nginx: 1.00× plain, 0.80× HTTPS keep-alive, 0.50× handshakes;")
    print("p99 ≤ 1.50× nginx; no errors):")
    for label, tool, goal, rps_ratio, p99_ratio, errors in verdicts:
        print("  %-38s %s: req/s %.2f× (goal %.2f×) %s, p99 %.2f× %s, errors %d %s" % (
            label, tool, rps_ratio, goal, "met" if rps_ratio >= goal else "NOT met", p99_ratio,
            "met" if p99_ratio <= 1.5 else "NOT met", errors, "met" if errors == 0 else "NOT met"))
    for tool in ("wrk", "hey"):
        for mine, theirs in (("devproxy-echo-tls", "wiremock-tls"), ("devproxy-handshake", "wiremock-handshake")):
            a, b = table.get((mine, tool)), table.get((theirs, tool))
            if a is not None and b is not None:
                print("  %-38s %s: req/s %.2f× WireMock's, p99 %.2f× WireMock's" % (
                    dict(TARGETS)[mine], tool, a["rps"] / b["rps"], a["p99"] / b["p99"]))


if __name__ == "__main__":
    main()
