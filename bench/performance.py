#!/usr/bin/python3
# performance.py: collects the benchmarks' RESULT lines and writes docs/performance.md.
#
# Copyright 2026 The valgkit authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Used by bench/run; standard library only (/usr/bin/python3).
#
#   performance.py machine BUILDDIR OUT.json
#       what the machine is, now (before the benchmarks load it).
#   performance.py collect TESTLOG.json MACHINE.json OUT.json
#       the bench suite's results from meson's test log.
#   performance.py full MACHINE.json STDOUT.txt COMMAND OUT.json
#       a full-scale bench-national run, kept in the repository.
#   performance.py render RESULTS.json FULL.json TEMPLATE OUT.md
#       fills the template.
#
# A RESULT line (bench/vk-bench.h):
#   RESULT bench=B name=N value=V unit=U limit=L cmp=min|max|- label="..."
import datetime
import json
import os
import re
import shlex
import subprocess
import sys


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine(builddir):
    m = {}
    m["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    m["nproc"] = run(["nproc"]) or str(os.cpu_count())
    model = ""
    for line in run(["lscpu"]).splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    m["cpu"] = model or "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    m["memory"] = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    except OSError:
        m["memory"] = "unknown"
    src = run(["findmnt", "-n", "-o", "SOURCE,FSTYPE", "-T", builddir]).split()
    disk = "unknown"
    if src:
        dev = src[0]
        info = run(["lsblk", "-d", "-n", "-o", "NAME,ROTA,TRAN,MODEL", dev]).split()
        kind = ""
        if len(info) >= 2:
            kind = "reports rotational" if info[1] == "1" else "non-rotational (SSD)"
            if info[0].startswith("vd"):
                kind = "virtio virtual disk, " + kind
        disk = "%s (%s%s)" % (dev, src[1] if len(src) > 1 else "?", ", " + kind if kind else "")
    m["disk"] = disk
    m["kernel"] = run(["uname", "-sr"])
    m["load"] = "%.2f %.2f %.2f" % os.getloadavg()
    buildtype = "unknown"
    try:
        opts = json.loads(run(["meson", "introspect", "--buildoptions", builddir]) or "[]")
        for o in opts:
            if o.get("name") == "buildtype":
                buildtype = o.get("value")
    except json.JSONDecodeError:
        pass
    m["buildtype"] = buildtype
    m["compiler"] = run(["cc", "--version"]).splitlines()[0] if run(["cc", "--version"]) else "unknown"
    m["libs"] = ", ".join(
        "%s %s" % (lib, run(["pkg-config", "--modversion", lib]) or "?") for lib in ("libsodium", "sqlite3", "glib-2.0")
    )
    head = run(["git", "rev-parse", "--short", "HEAD"])
    if head and run(["git", "status", "--porcelain", "--untracked-files=no"]):
        head += " (with uncommitted changes)"
    m["commit"] = head or "unknown"
    return m


RESULT_RE = re.compile(r"^(RESULT|WHY) (.*)$")


def parse_results(text):
    out = []
    why = {}
    for line in text.splitlines():
        mm = RESULT_RE.match(line.strip())
        if not mm:
            continue
        fields = {}
        try:
            toks = shlex.split(mm.group(2))
        except ValueError:
            continue
        for tok in toks:
            if "=" in tok:
                k, v = tok.split("=", 1)
                fields[k] = v
        if mm.group(1) == "WHY":
            # What bounds a figure, measured in the same run (vk-bench.h).
            why[(fields.get("bench"), fields.get("name"))] = fields.get("text", "")
            continue
        try:
            fields["value"] = float(fields["value"])
            fields["limit"] = None if fields.get("limit", "-") == "-" else float(fields["limit"])
        except (KeyError, ValueError):
            continue
        out.append(fields)
    for r in out:
        w = why.get((r.get("bench"), r.get("name")))
        if w:
            r["why"] = w
    return out


def collect(testlog, machine_json, out):
    top = os.getcwd()
    with open(machine_json, encoding="utf-8") as f:
        data = {"machine": json.load(f), "benches": {}}
    with open(testlog, encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            name = t["name"].split(" / ")[-1]
            cmd = [os.path.relpath(c, top) if c.startswith(top) else c for c in t.get("command", [])]
            if cmd and not cmd[0].startswith(("/", ".")):
                cmd[0] = "./" + cmd[0]
            data["benches"][name] = {
                "result": t.get("result"),
                "duration": t.get("duration"),
                "command": " ".join(shlex.quote(c) for c in cmd),
                "results": parse_results(t.get("stdout", "")),
                "stdout": t.get("stdout", ""),
            }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)


def full(machine_json, stdout_txt, command, out):
    with open(machine_json, encoding="utf-8") as f:
        m = json.load(f)
    with open(stdout_txt, encoding="utf-8") as f:
        text = f.read()
    data = {
        "machine": m,
        "command": command,
        "results": parse_results(text),
        "log": [l for l in text.splitlines() if not l.startswith("RESULT ")],
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)


def fmt(v):
    a = abs(v)
    if a >= 1000:
        return "{:,.0f}".format(v)
    if a >= 100 or v == int(v):
        return "{:.0f}".format(v)
    if a >= 10:
        return "{:.1f}".format(v)
    if a >= 1:
        return "{:.2f}".format(v)
    return "{:.3g}".format(v)


def status(r):
    if r["limit"] is None or r.get("cmp") not in ("min", "max"):
        return ""
    ok = r["value"] >= r["limit"] if r["cmp"] == "min" else r["value"] <= r["limit"]
    if ok:
        return "ok"
    # A missed figure says why, from what the same run measured.
    return "**missed**: %s" % r["why"] if r.get("why") else "**missed**"


def table(results):
    rows = ["| measurement | value | limit / target | |", "|---|---:|---|---|"]
    for r in results:
        if r["limit"] is None:
            lim = "— (reference)"
        else:
            lim = "%s %s %s" % ("≥" if r["cmp"] == "min" else "≤", fmt(r["limit"]), r["unit"])
        rows.append("| %s | %s %s | %s | %s |" % (r.get("label", r["name"]), fmt(r["value"]), r["unit"], lim, status(r)))
    return "\n".join(rows)


def machine_text(m):
    return "\n".join(
        [
            "| | |",
            "|---|---|",
            "| date | %s |" % m.get("date"),
            "| CPU | %s × %s (`nproc`, `lscpu` model name) |" % (m.get("nproc"), m.get("cpu")),
            "| memory | %s |" % m.get("memory"),
            "| disk | %s |" % m.get("disk"),
            "| kernel | %s |" % m.get("kernel"),
            "| load average at start | %s (other jobs may share the machine) |" % m.get("load"),
            "| build | buildtype %s, %s |" % (m.get("buildtype"), m.get("compiler")),
            "| libraries | %s |" % m.get("libs"),
            "| valgkit commit | %s |" % m.get("commit"),
        ]
    )


def bench_section(data, name):
    b = data["benches"].get(name) if data else None
    if b is None:
        if name == "bench-search":
            return (
                "_Not run in this build: `bench-search` (voter search latency p50/p99 for barcode, name prefix and "
                "birth date on 600,000 voters) is built on branch `gui`. Once merged, `make bench` fills this "
                "section._\n\n"
                "| measurement | value | limit / target | |\n|---|---:|---|---|\n"
                "| voter search p99 (barcode, name prefix, birth date; 600,000 voters) | not measured here | "
                "≤ 10 ms (issue 5) | |"
            )
        return "_Not run: `%s` is not in the last `make bench` run._" % name
    lines = ["Command: `%s` (%.1f s, %s)" % (b["command"], b["duration"] or 0, b["result"]), ""]
    if b["results"]:
        lines.append(table(b["results"]))
    else:
        # A benchmark that does not print RESULT lines: its output as it is.
        lines += ["```", b["stdout"].strip(), "```"]
    return "\n".join(lines)


def summary(data):
    if not data:
        return "_No `make bench` results yet._"
    n = 0
    missed = []
    for name, b in data["benches"].items():
        for r in b["results"]:
            if status(r):
                n += 1
                if status(r) != "ok":
                    missed.append((name, r))
    failed = [k for k, b in data["benches"].items() if b["result"] not in ("OK", "EXPECTEDFAIL")]
    s = "%d benchmarks run; %d figures have a limit, %d missed it." % (len(data["benches"]), n, len(missed))
    if failed:
        s += " Benchmarks that failed to run: %s." % ", ".join(failed)
    if missed:
        s += " Each missed figure, and why (from what the same run measured):\n"
        for name, r in missed:
            s += "\n- `%s` %s: %s %s against %s %s %s%s" % (
                name, r.get("label", r["name"]), fmt(r["value"]), r["unit"],
                "≥" if r["cmp"] == "min" else "≤", fmt(r["limit"]), r["unit"],
                ". Why: " + r["why"] if r.get("why") else " (no reason recorded)")
    return s


def national_full(full_data):
    if not full_data:
        return "_No full-scale run recorded yet: run `./bench/run build --full`._"
    m = full_data["machine"]
    lines = [
        "Measured %s on %s × %s, %s memory (load average at start %s), buildtype %s, commit %s." %
        (m.get("date"), m.get("nproc"), m.get("cpu"), m.get("memory"), m.get("load"), m.get("buildtype"), m.get("commit")),
        "",
        "Command: `%s`" % full_data["command"],
        "",
        table(full_data["results"]),
        "",
        "Its log:",
        "",
        "```",
    ]
    lines += full_data.get("log", [])
    lines.append("```")
    return "\n".join(lines)


def render(results_json, full_json, template, out):
    data = None
    full_data = None
    if os.path.exists(results_json):
        with open(results_json, encoding="utf-8") as f:
            data = json.load(f)
    if os.path.exists(full_json):
        with open(full_json, encoding="utf-8") as f:
            full_data = json.load(f)
    with open(template, encoding="utf-8") as f:
        text = f.read()
    text = text.replace("@@MACHINE@@", machine_text(data["machine"]) if data else "_No `make bench` results yet._")
    text = text.replace("@@SUMMARY@@", summary(data))
    text = text.replace("@@NATIONAL_FULL@@", national_full(full_data))
    text = re.sub(r"@@BENCH ([a-z0-9-]+)@@", lambda mm: bench_section(data, mm.group(1)), text)
    if data:
        # Benchmarks the template does not mention still get a section.
        extra = [k for k in data["benches"] if "@@BENCH %s@@" % k not in open(template, encoding="utf-8").read()]
        if extra:
            text += "\n## Other benchmarks\n"
            for k in extra:
                text += "\n### `%s`\n\n%s\n" % (k, bench_section(data, k))
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv):
    if len(argv) >= 2 and argv[1] == "machine" and len(argv) == 4:
        with open(argv[3], "w", encoding="utf-8") as f:
            json.dump(machine(argv[2]), f, indent=1)
    elif len(argv) == 5 and argv[1] == "collect":
        collect(argv[2], argv[3], argv[4])
    elif len(argv) == 6 and argv[1] == "full":
        full(argv[2], argv[3], argv[4], argv[5])
    elif len(argv) == 6 and argv[1] == "render":
        render(argv[2], argv[3], argv[4], argv[5])
    else:
        sys.stderr.write(__doc__ if __doc__ else "usage: see the comment at the top of performance.py\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
