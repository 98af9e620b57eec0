#!/usr/bin/python3
"""The whole-election demo reproduces each municipality's official KV2025 seat allocation,
and, run as the joint KV + RV night (--rv, with the municipality's region from
$VK_DATA_DIR/../rv2025), every one of its official RV area results.

For each municipality folder in $VK_DATA_DIR (Aarhus only with VK_DEMO_ALL=1: it takes
minutes; VK_DEMO_ONLY=Læsø,Albertslund picks some, as the sanitizer run does; VK_DEMO_SHARD=K/N
runs the K-th of N shards, balanced by number of areas, so that meson runs the shards side by side), runs `valgkit demo --data DIR --out TMP` and compares TMP/mandatfordeling.json
with the official mandatfordeling.json as sets of (Nummer, KandidatlisteId) and
(Nummer, KandidatId). Lot draws (Læsø) are taken as input the way a valgbestyrelse would
record them: the tie valgkit reports, with the winner the official result names.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

VALGKIT = os.environ["VALGKIT"]
DATA = os.environ.get("VK_DATA_DIR", "")
RV_DATA = os.path.join(os.path.dirname(os.path.abspath(DATA)), "rv2025") if DATA else ""


def kommunekode(d):
    fin = os.path.join(d, "fintaelling")
    with open(os.path.join(fin, sorted(os.listdir(fin))[0]), encoding="utf-8") as f:
        return str(json.load(f)["Kommunekode"])


def region_of(code):
    """The rv2025 region folder holding the municipality's RV areas, or None."""
    if not os.path.isdir(RV_DATA):
        return None
    for r in sorted(os.listdir(RV_DATA)):
        fin = os.path.join(RV_DATA, r, "fintaelling")
        if os.path.isdir(fin) and any(n.startswith(code + "-") for n in os.listdir(fin)):
            return os.path.join(RV_DATA, r)
    return None


def numbers(area):
    """Every number of a valg.dk area result, keyed by what it counts."""
    out = {}
    for k in ("AfgivneStemmer", "GyldigeStemmer", "UgyldigeStemmerUdoverBlanke", "BlankeUgyldigeFremmødteStemmer",
              "BlankeUgyldigeBrevstemmer", "AntalStemmeberettigedeVælgere", "AfstemningsområdeDagiId", "Kommunekode",
              "AfstemningsområdeNummer"):
        out[k] = area.get(k)
    for lst in area["Kandidatlister"]:
        out[("list", lst["KandidatlisteId"])] = (lst.get("Stemmer"), lst.get("Listestemmer"))
        for c in lst.get("Kandidater") or []:
            out[("cand", c["Id"])] = c.get("Stemmer")
    for key in ("UgyldigeFremmødteStemmerÅrsager", "UgyldigeBrevstemmerÅrsager"):
        for r in area.get(key) or []:
            out[(key, r.get("Id"))] = r.get("Antal")
    return out


def compare_rv(code, region, got_dir):
    """Differences between the demo's OUT/rv files and the official RV fintælling."""
    fin = os.path.join(region, "fintaelling")
    official = {}
    for n in os.listdir(fin):
        if n.startswith(code + "-"):
            with open(os.path.join(fin, n), encoding="utf-8") as f:
                a = json.load(f)
            official[a["AfstemningsområdeNummer"]] = numbers(a)
    got = {}
    for n in os.listdir(got_dir):
        if not n.endswith(".json"):
            continue
        with open(os.path.join(got_dir, n), encoding="utf-8") as f:
            a = json.load(f)
        got[a["AfstemningsområdeNummer"]] = numbers(a)
    problems = []
    if set(got) != set(official):
        problems.append("areas: demo %s, official %s" % (sorted(got), sorted(official)))
    for k in sorted(set(got) & set(official)):
        diff = [x for x in set(got[k]) | set(official[k]) if got[k].get(x) != official[k].get(x)]
        if diff:
            problems.append("area %s: %s" % (k, [(x, got[k].get(x), official[k].get(x)) for x in diff[:5]]))
    return problems, len(official)


def official_sets(path):
    with open(path, encoding="utf-8") as f:
        m = json.load(f)
    lists = {(x["Nummer"], x["KandidatlisteId"]) for x in m["ListeMandater"]}
    people = {(x["Nummer"], x["KandidatId"]) for x in m["PersonligeMandater"]}
    return lists, people, m


def demo_sets(path):
    with open(path, encoding="utf-8") as f:
        m = json.load(f)
    lists = {(x["Nummer"], x["KandidatlisteId"]) for x in m["PersonligeMandater"]}
    people = {(x["Nummer"], x["KandidatId"]) for x in m["PersonligeMandater"]}
    if "ListeMandater" in m:
        lists = {(x["Nummer"], x["KandidatlisteId"]) for x in m["ListeMandater"]}
    return lists, people


def lots_for(d, official, seats, tmp):
    """The lot draws the official result implies, one per tie valgkit stops at."""
    elected = {x["KandidatId"] for x in official["PersonligeMandater"]}
    seat_of = {x["KandidatId"]: x["Nummer"] for x in official["PersonligeMandater"]}
    draws = []
    path = os.path.join(tmp, "lots.json")
    for _ in range(10):
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"draws": draws}, f)
        r = subprocess.run([VALGKIT, "mandates", "--kandidatdata", os.path.join(d, "kandidat-data.json"),
                            "--resultater", os.path.join(d, "fintaelling"), "--seats", str(seats), "--lots", path],
                           capture_output=True, text=True)
        if r.returncode == 0:
            return path if draws else None
        if r.returncode != 3:
            raise RuntimeError(r.stderr)
        m = re.search(r'\{"draws":\[\{"tied":(\[[^\]]*\])', r.stdout + r.stderr)
        tied = json.loads(m.group(1))
        # The winner: elected officially (earliest seat first), else the first tied.
        winners = sorted((seat_of[t], t) for t in tied if t in elected)
        draws.append({"tied": tied, "winner": winners[0][1] if winners else tied[0]})
    raise RuntimeError("too many ties")


def eligible(d):
    """The municipality's eligible voters (the sum over its fintælling files)."""
    fin = os.path.join(d, "fintaelling")
    total = 0
    for n in os.listdir(fin):
        with open(os.path.join(fin, n), encoding="utf-8") as f:
            total += int(json.load(f).get("AntalStemmeberettigedeVælgere") or 0)
    return total


def shard(names, spec):
    """The municipalities of shard K of N ("K/N"): by eligible voters (the demo's time goes with
    the check-ins), largest first, each to the lightest shard."""
    k, n = (int(x) for x in spec.split("/"))
    if not 1 <= k <= n:
        raise ValueError("VK_DEMO_SHARD must be K/N with 1 <= K <= N, not %r" % spec)
    load = [0] * n
    mine = []
    sizes = {name: eligible(os.path.join(DATA, name)) for name in names}
    for name in sorted(names, key=lambda x: (-sizes[x], x)):
        i = min(range(n), key=lambda j: (load[j], j))
        load[i] += sizes[name]
        if i == k - 1:
            mine.append(name)
    return sorted(mine)


def main():
    if not os.path.isdir(DATA):
        print("1..0 # SKIP KV2025 data not present")
        return 0
    names = sorted(n for n in os.listdir(DATA) if os.path.isdir(os.path.join(DATA, n)))
    if os.environ.get("VK_DEMO_ALL") != "1":
        names = [n for n in names if n != "Aarhus"]
    if os.environ.get("VK_DEMO_ONLY"):
        only = os.environ["VK_DEMO_ONLY"].split(",")
        names = [n for n in names if n in only]
    if os.environ.get("VK_DEMO_SHARD"):
        names = shard(names, os.environ["VK_DEMO_SHARD"])
        if not names:
            print("1..0 # SKIP no municipality in shard %s" % os.environ["VK_DEMO_SHARD"])
            return 0
    n = failures = 0
    for name in names:
        d = os.path.join(DATA, name)
        tmp = tempfile.mkdtemp(prefix="valgkit-demo-")
        try:
            lists, people, official = official_sets(os.path.join(d, "mandatfordeling.json"))
            lots = lots_for(d, official, len(official["ListeMandater"]), tmp)
            code = kommunekode(d)
            region = region_of(code)
            args = [VALGKIT, "demo", "--data", d, "--out", os.path.join(tmp, "out")]
            if lots:
                args += ["--lots", lots]
            if region:
                args += ["--rv", region]
            r = subprocess.run(args, capture_output=True, text=True,
                               env=dict(os.environ, VALGKIT_PASSPHRASE="demo-official"))
            n += 1
            ok = r.returncode == 0
            detail = ""
            if ok:
                got_lists, got_people = demo_sets(os.path.join(tmp, "out", "mandatfordeling.json"))
                ok = got_lists == lists and got_people == people
                detail = "lists differ: %s / people differ: %s" % (sorted(got_lists ^ lists), sorted(got_people ^ people))
            else:
                detail = (r.stdout[-1500:] + r.stderr[-1500:]).replace("\n", "\n# ")
            print(("ok" if ok else "not ok"), n, "-", name, "demo reproduces the official seats and elected",
                  "" if ok else "# " + detail)
            failures += 0 if ok else 1
            if region and r.returncode == 0:
                problems, count = compare_rv(code, region, os.path.join(tmp, "out", "rv"))
                n += 1
                ok = not problems and count > 0
                print(("ok" if ok else "not ok"), n, "-", name, "joint demo reproduces the %d official RV area "
                      "results of %s" % (count, os.path.basename(region)), "" if ok else "# " + "; ".join(problems))
                failures += 0 if ok else 1
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % n)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
