#!/usr/bin/env python3
"""bench/performance.py: a missed figure is shown with the reason its
benchmark printed (WHY lines), a met one without, and a WHY line that names
no figure, or is malformed, changes nothing.  The input is what the
benchmark programs print (bench/vk-bench.h); no benchmark is run here."""
import importlib.util
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("performance", os.path.join(TOP, "bench", "performance.py"))
perf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(perf)

STDOUT = """bench-x: some human-readable line
RESULT bench=bench-x name=ratio value=0.78 unit=ratio limit=0.9 cmp=min label="ingest ÷ raw verify"
WHY bench=bench-x name=ratio text="Ed25519 is 81 % of the CPU time; at most 0.80 was reachable"
RESULT bench=bench-x name=p99 value=12 unit=ms limit=100 cmp=max label="push → receipt p99"
WHY bench=bench-x name=p99 text="the disk flushed at p99 3 ms"
RESULT bench=bench-x name=night value=14 unit=s limit=5 cmp=max label="the night"
WHY bench=bench-x name=nothing text="names no figure"
WHY bench=bench-x name=night text="unterminated
RESULT bench=bench-x name=ref value=1 unit=x limit=- cmp=- label="a reference"
"""

failures = 0


def check(cond, what):
    global failures
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failures += 1


results = perf.parse_results(STDOUT)
by = {r["name"]: r for r in results}
check(sorted(by) == ["night", "p99", "ratio", "ref"], "every RESULT line parsed, WHY lines are not figures")
check(perf.status(by["ratio"]) == "**missed**: Ed25519 is 81 % of the CPU time; at most 0.80 was reachable",
      "a missed figure carries its reason")
check(perf.status(by["p99"]) == "ok", "a met figure is just ok, whatever its WHY")
check(perf.status(by["night"]) == "**missed**", "a missed figure whose WHY was malformed has no reason")
check(perf.status(by["ref"]) == "", "a reference figure has no status")
data = {"machine": {}, "benches": {"bench-x": {"result": "OK", "duration": 1.0, "command": "./x",
                                                "results": results, "stdout": STDOUT}}}
s = perf.summary(data)
check("3 figures have a limit, 2 missed it" in s, "the summary counts the missed figures")
check("ingest ÷ raw verify: 0.78 ratio against ≥ 0.9 ratio. Why: Ed25519 is 81 %" in s,
      "the summary lists a missed figure with its reason")
check("the night: 14 s against ≤ 5 s (no reason recorded)" in s, "the summary says when no reason was given")
table = perf.table(results)
check("| ingest ÷ raw verify | 0.78 ratio | ≥ 0.9 ratio | **missed**: Ed25519 is 81 %" in table,
      "the table shows the reason in the status column")
print("1..9")
sys.exit(1 if failures else 0)
