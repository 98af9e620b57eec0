#!/usr/bin/env python3
# demo_fv.py: `valgkit demo --fv` and `--fa` for Bornholm (400) from DST's
# FV2022 and FA2015 files: the count server's fintælling equals DST's own
# numbers (read here from the area XML, independently of valgkit), the
# voters marked not eligible are refused, the audit's journal and count
# checks pass, and the national result is FV2022's official seats and
# FA2015's "forkastet".
#
# Copyright 2026 The valgkit authors
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

VALGKIT = os.environ["VALGKIT"]
DATA = os.environ.get("VK_DATA_DIR", "")
SHARED = os.path.join(DATA, "..")
results = []


def check(name, ok, detail=""):
    results.append((name, ok, detail))


def dst_totals(dst, kredse):
    """Sum of the area files of the opstillingskredse (by id) per party letter or name."""
    root = ET.parse(os.path.join(dst, "fintal.xml")).getroot()
    totals, cast = {}, 0
    for a in root.iter("Afstemningsomraade"):
        if a.get("opstillingskreds_id") not in kredse:
            continue
        f = os.path.join(dst, a.get("filnavn").rsplit("/", 1)[1])
        r = ET.parse(f).getroot()
        cast += int(r.find(".//Stemmer/IAlt").get("StemmerAntal")) if r.find(".//Stemmer/IAlt") is not None else 0
        for p in r.find(".//Stemmer").iter("Parti"):
            key = p.get("Bogstav") or p.get("Navn")
            totals[key] = totals.get(key, 0) + int(p.get("StemmerAntal"))
    return totals


def run(kind, data, out):
    p = subprocess.run([VALGKIT, "demo", kind, data, "--kommune", "400", "--out", out,
                        "--geografi", os.path.join(SHARED, "fv2026", "geografi")],
                       capture_output=True, text=True, timeout=300)
    sys.stderr.write(p.stderr)
    return p.returncode, p.stdout


def common(tag, rc, out, n_areas=10):
    check(tag + " exit 0", rc == 0, out[-500:])
    m = re.search(r"(\d+) voters refused \(not eligible\)", out)
    check(tag + " not-eligible voters refused", m is not None and int(m.group(1)) == 3 * n_areas, m and m.group(0))
    for a in range(1, 10):
        check(tag + " audit A%d ok" % a, re.search(r"^  A%d .* ok$" % a, out, re.M) is not None)


def counted(out):
    got = {}
    for m in re.finditer(r"^      (\S+)\s+.*?\s(\d+)$", out, re.M):
        got[m.group(1)] = int(m.group(2))
    return got


def main():
    fv = os.path.join(SHARED, "fv2022")
    fa = os.path.join(SHARED, "folkeafstemning2015")
    if not os.path.exists(os.path.join(fv, "ft22.tar.xz")):
        print("1..0 # SKIP DST data missing")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = os.path.join(tmp, "fv")
        rc, out = run("--fv", fv, out_dir)
        common("FV", rc, out)
        dst = os.path.join(out_dir, "dst", "ft22")
        want = dst_totals(dst, {"46", "47"})
        got = counted(out)
        for letter, votes in want.items():
            if len(letter) <= 2:
                check("FV %s votes equal DST's" % letter, got.get(letter) == votes, "%s vs %s" % (got.get(letter), votes))
        check("FV national allocation is FV2022's official",
              "A 50, V 23, M 16, F 15, I 14, Æ 14, C 10, Ø 9, B 7, D 6, Å 6, O 5" in out)

        out_dir = os.path.join(tmp, "fa")
        rc, out = run("--fa", fa, out_dir)
        common("FA", rc, out)
        sub = [d for d in os.listdir(os.path.join(out_dir, "dst"))][0]
        want = dst_totals(os.path.join(out_dir, "dst", sub), {"46", "47"})
        got = counted(out)
        for answer in ("JA", "NEJ"):
            check("FA %s equal DST's" % answer, got.get(answer) == want.get(answer), "%s vs %s" % (got.get(answer), want.get(answer)))
        check("FA national outcome forkastet (§ 42)", "forkastet (grundlovens § 42)" in out)
    print("1..%d" % len(results))
    for i, (name, ok, detail) in enumerate(results, 1):
        print("%s %d - %s%s" % ("ok" if ok else "not ok", i, name, "" if ok else " # " + str(detail)))
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
