#!/usr/bin/env python3
"""The decoding benchmark's bodies and its Python leg (docs/BENCHMARKS.md, "Decoding").

    bench_decode.py bodies DIR   writes DIR/stats.xml and DIR/publishers.xml
    bench_decode.py time DIR     times xmlrpc.client.loads on them, one line per body:
                                 <name> <bytes> <best seconds>

stats.xml is a `stats.getSummaries` answer of about 5 MB in the shape the Aflexi sandbox
serves (tests/aflexi-sandbox/src/stats.rs): a month of daily buckets and the range total
"-1", each holding one operator, its package and the across-packages group "-1", each
holding [cached, notCached, total] per publisher. publishers.xml is a page of 10,000
publisher links as `publisherLink.get` answers them (tests/conformance/server.py). Both are
written by Python's own encoder, so every decoder reads standard XML-RPC.
"""

import sys
import time
import xmlrpc.client

RUNS = 5


def stats(publishers=460, days=31, operator=7, package=3):
    def group(day):
        figures = {}
        for p in range(1, publishers + 1):
            total = (p * 7919 + day * 104729) % 2001
            cached = total * (p % 5) // 5
            figures[str(p)] = [cached, total - cached, total]
        figures["-1"] = [0, 0, 0]
        return figures

    buckets = {}
    for day in list(range(1, days + 1)) + [-1]:
        key = "-1" if day < 0 else f"202601{day:02d}"
        buckets[key] = {str(operator): {str(package): group(day), "-1": group(day)}}
    return buckets


def publishers(count=10_000):
    rows = []
    for i in range(1, count + 1):
        rows.append({
            "publisher": {
                "id": 1000 + i,
                "username": f"user{i}_{i}/7",
                "email": f"user{i}@example.com",
                "name": f"Customer Number {i} & Sons",
            },
            "status": "ACTIVE" if i % 10 else "SUSPENDED",
            "bandwidthPackage": {"id": 1 + i % 3, "name": f"WHMCS-Plan {1 + i % 3}",
                                 "bandwidthLimit": 100 * (1 + i % 3)},
        })
    return rows


def write_bodies(directory):
    for name, value in (("stats", stats()), ("publishers", publishers())):
        body = xmlrpc.client.dumps((value,), methodresponse=True, encoding="UTF-8")
        with open(f"{directory}/{name}.xml", "wb") as f:
            f.write(body.encode("utf-8"))


def time_loads(directory):
    for name in ("stats", "publishers"):
        with open(f"{directory}/{name}.xml", "rb") as f:
            body = f.read()
        best = None
        for _ in range(RUNS):
            start = time.perf_counter()
            value = xmlrpc.client.loads(body)
            elapsed = time.perf_counter() - start
            del value
            best = elapsed if best is None else min(best, elapsed)
        print(name, len(body), f"{best:.6f}")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("bodies", "time"):
        sys.exit(__doc__)
    (write_bodies if sys.argv[1] == "bodies" else time_loads)(sys.argv[2])
