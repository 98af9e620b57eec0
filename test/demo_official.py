#!/usr/bin/python3
"""The whole-election demo reproduces each municipality's official KV2025 seat allocation.

For each municipality folder in $VK_DATA_DIR (Aarhus only with VK_DEMO_ALL=1: it takes
minutes; VK_DEMO_ONLY=Læsø,Albertslund picks some, as the sanitizer run does), runs `valgkit demo --data DIR --out TMP` and compares TMP/mandatfordeling.json
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
    n = failures = 0
    for name in names:
        d = os.path.join(DATA, name)
        tmp = tempfile.mkdtemp(prefix="valgkit-demo-")
        try:
            lists, people, official = official_sets(os.path.join(d, "mandatfordeling.json"))
            lots = lots_for(d, official, len(official["ListeMandater"]), tmp)
            args = [VALGKIT, "demo", "--data", d, "--out", os.path.join(tmp, "out")]
            if lots:
                args += ["--lots", lots]
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
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % n)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
