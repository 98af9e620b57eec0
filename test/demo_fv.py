#!/usr/bin/env python3
# demo_fv.py: `valgkit demo --fv` and `--fa` for Bornholm (400), `--fv` for Læsø (825), from DST's
# FV2022 and FA2015 files: each area's fintælling in the count server
# (OUT/fintaelling.json, from its database) equals DST's own numbers, read
# here from the area's XML independently of valgkit (votes cast, valid,
# blank, other invalid, party and personal votes); the
# voters marked not eligible are refused, the audit's journal and count
# checks pass, and the national result is FV2022's official seats and
# FA2015's "forkastet".
#
# Copyright 2026 The valgkit authors
# SPDX-License-Identifier: GPL-3.0-or-later
import json
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


def dst_area(dst, area_id):
    """DST's own numbers of one area, read from its XML file."""
    r = ET.parse(os.path.join(dst, "fintal_%s.xml" % area_id)).getroot()
    st = r.find("Stemmer")
    out = {
        "cast": int(st.findtext("IAltAfgivneStemmer")),
        "valid": int(st.findtext("IAltGyldigeStemmer")),
        "blank": int(st.findtext("BlankeStemmer")),
        "other_invalid": int(st.findtext("AndreUgyldigeStemmer")),
        "lists": {},
        "personal": {},
    }
    for p in st.iter("Parti"):
        key = p.get("Bogstav") or p.get("Navn")
        out["lists"][key] = int(p.get("StemmerAntal"))
    pers = r.find("Personer")
    outside = 0
    if pers is not None:
        for p in pers.iter("Parti"):
            people = list(p.iter("Person"))
            if not people:  # an independent candidate: a list of one, named
                out["personal"]["/" + p.get("navn")] = int(p.get("PersonligeStemmer"))
                out["lists"][p.get("navn")] = int(p.get("PersonligeStemmer"))
                outside += int(p.get("PersonligeStemmer"))
            for c in people:
                out["personal"][p.get("Bogstav") + "/" + c.get("Navn")] = int(c.get("PersonligeStemmer"))
    # DST's <Stemmer> sums the independents as "Uden for partier".
    if out["lists"].pop("Uden for partier", 0) != outside:
        raise ValueError("fintal_%s.xml: the independents do not add up" % area_id)
    return out


def compare_areas(tag, out_dir, dst, n_areas=10, name="fintaelling.json"):
    with open(os.path.join(out_dir, name), encoding="utf-8") as f:
        areas = json.load(f)
    check(tag + " fintaelling.json has every area", len(areas) == n_areas, len(areas))
    for a in areas:
        want = dst_area(dst, a["dst_id"])
        if name != "fintaelling.json":  # the event's FA question: lists "Ja" and "Nej"
            a["lists"] = {k.upper(): v for k, v in a["lists"].items()}
        for field in ("cast", "valid", "blank", "other_invalid", "lists", "personal"):
            check("%s area %d %s: %s equals DST's" % (tag, a["area"], a["name"], field), a[field] == want[field],
                  "%s vs %s" % (a[field], want[field]))


def run(kind, data, out, kommune="400"):
    p = subprocess.run([VALGKIT, "demo", kind, data, "--kommune", kommune, "--out", out,
                        "--geografi", os.path.join(SHARED, "fv2026", "geografi")],
                       capture_output=True, text=True, timeout=300)
    sys.stderr.write(p.stderr)
    return p.returncode, p.stdout


def run_both(fv, fa, out):
    p = subprocess.run([VALGKIT, "demo", "--fv", fv, "--fa", fa, "--kommune", "400", "--out", out,
                        "--geografi", os.path.join(SHARED, "fv2026", "geografi")],
                       capture_output=True, text=True, timeout=300)
    sys.stderr.write(p.stderr)
    return p.returncode, p.stdout


def common(tag, rc, out, n_areas=10):
    check(tag + " exit 0", rc == 0, out[-500:])
    m = re.search(r"(\d+) voters refused \(not eligible\)", out)
    check(tag + " not-eligible voters refused", m is not None and int(m.group(1)) == 3 * n_areas, m and m.group(0))
    for a in list(range(1, 10)) + [11, 12]:
        check(tag + " audit A%d ok" % a, re.search(r"^  A%d .* ok$" % a, out, re.M) is not None)
    check(tag + " no audit check failed", "FAILED" not in out)
    m = re.search(r"Result sheet: (\S+\.pdf)", out)
    check(tag + " result sheet printed", m is not None and os.path.getsize(m.group(1)) > 1000, out[-300:])


def unpacked(out_dir, data):
    """The folder with fintal.xml that the demo unpacked from data's tarball."""
    base = os.path.join(out_dir, "dst", os.path.basename(data))
    for root, _dirs, files in os.walk(base):
        if "fintal.xml" in files:
            return root
    raise FileNotFoundError(base)


def main():
    fv = os.path.join(SHARED, "fv2022")
    fa = os.path.join(SHARED, "folkeafstemning2015")
    if not os.path.exists(os.path.join(fv, "ft22.tar.xz")) or not os.path.exists(os.path.join(fa, "fa2015.tar.xz")):
        print("1..0 # SKIP DST data missing")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        # Bornholm's FV and FA as one (synthetic) day: two ballots per voter
        # for most, one for some, none for the EU citizens.
        out_dir = os.path.join(tmp, "fvfa")
        rc, out = run_both(fv, fa, out_dir)
        common("FV+FA", rc, out)
        compare_areas("FV+FA: FV", out_dir, unpacked(out_dir, fv))
        compare_areas("FV+FA: FA", out_dir, unpacked(out_dir, fa), name="fintaelling-fa.json")
        check("FV national allocation is FV2022's official",
              "A 50, V 23, M 16, F 15, I 14, Æ 14, C 10, Ø 9, B 7, D 6, Å 6, O 5" in out)
        check("FV+FA: FA national outcome forkastet (§ 42)", "forkastet (grundlovens § 42)" in out)

        # Refused: no --kommune (usage), an unknown kommunekode (named).
        p = subprocess.run([VALGKIT, "demo", "--fv", fv, "--out", os.path.join(tmp, "bad")],
                           capture_output=True, text=True, timeout=60)
        check("FV without --kommune: exit 2", p.returncode == 2, p.returncode)
        rc, out = run("--fv", fv, os.path.join(tmp, "bad"), "999")
        check("FV kommune 999 refused", rc != 0 and "Fintælling" not in out, rc)

        # FV alone, Læsø: it shares the opstillingskreds Frederikshavn, and keeps its one area only.
        out_dir = os.path.join(tmp, "laesoe")
        rc, out = run("--fv", fv, out_dir, "825")
        common("FV Læsø", rc, out, 1)
        compare_areas("FV Læsø", out_dir, unpacked(out_dir, fv), 1)
        with open(os.path.join(out_dir, "fintaelling.json"), encoding="utf-8") as f:
            check("FV Læsø's area is Læsø", [a["name"] for a in json.load(f)] == ["Læsø"])
        check("FV Læsø: national allocation is FV2022's official",
              "A 50, V 23, M 16, F 15, I 14, Æ 14, C 10, Ø 9, B 7, D 6, Å 6, O 5" in out)

        # FA alone, Bornholm.
        out_dir = os.path.join(tmp, "fa")
        rc, out = run("--fa", fa, out_dir)
        common("FA", rc, out)
        compare_areas("FA", out_dir, unpacked(out_dir, fa))
        check("FA national outcome forkastet (§ 42)", "forkastet (grundlovens § 42)" in out)
    print("1..%d" % len(results))
    for i, (name, ok, detail) in enumerate(results, 1):
        print("%s %d - %s%s" % ("ok" if ok else "not ok", i, name, "" if ok else " # " + str(detail)))
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
