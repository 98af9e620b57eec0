#!/usr/bin/python3
# fv_elected.py: `valgkit folketingsvalg --kandidatdata` against Danmarks
# Statistik's own FV2022 numbers (TAP).
#
# FV2022's valg.dk kandidatdata is not in the data, so fv_kandidatdata_2022.py
# builds FV-Kandidatdata files from DST's kreds files (schema-checked here).
# Then, for every party with seats in each of the 10 storkredse:
#  - its Valgte are as many as its seats there, and Valgte + Stedfortrædere
#    are exactly DST's candidates of the party in the storkreds;
#  - every candidate's PersonligeStemmer equals DST's, and its
#    TildeltePartistemmer and Stemmer are DST's TildeltePartiStemmer and
#    StemmerIAlt (both round each kreds's shares by largest remainder), ±1
#    for the candidates of a tie that DST broke otherwise (Tårnby V);
#  - sideordnet: the Valgte are the top n by DST's own StemmerIAlt;
#  - partiliste (Ø, Q): the Valgte and the order of the Stedfortrædere are
#    those of the fordelingstal rule computed here from DST's numbers.
# And each party's Valgte over all storkredse are its national seats.
# With --partistemmefordeling (partistemmefordeling() below): one valg.dk
# Partistemmefordeling file per opstillingskreds (92), valid against the
# official schema, whose numbers are DST's kreds files' own.
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fv_kandidatdata_2022  # noqa: E402

VALGKIT = os.environ["VALGKIT"]
DATA = os.environ.get("VK_DATA_DIR", "")
SHARED = os.path.join(DATA, "..")
results = []


def check(name, ok, detail=""):
    results.append((name, ok, detail))


def dst_storkreds(dst, sid):
    """DST's storkreds file: {letter: [(name, personal, allotted, total)]} in
    DST's order, and the parties' votes."""
    parties, _, votes = fv_kandidatdata_2022.read_persons(os.path.join(dst, "fintal_%s.xml" % sid))
    return parties, votes


def kreds_sums(dst, kids):
    """{(letter, name): (personal, allotted, total)} summed over DST's kreds files."""
    out = {}
    for kid in kids:
        parties, _, _ = fv_kandidatdata_2022.read_persons(os.path.join(dst, "fintal_%s.xml" % kid))
        for letter, persons in parties.items():
            for name, pers, allot, tot in persons:
                a = out.get((letter, name), (0, 0, 0))
                out[(letter, name)] = (a[0] + pers, a[1] + allot, a[2] + tot)
    return out


def partiliste_expected(persons, votes, seats):
    """The fordelingstal rule, written independently of valgkit: F =
    floor(V / (n + 1)) + 1; those whose StemmerIAlt reaches F are elected,
    the remaining seats and then the stedfortrædere follow the list."""
    f = votes // (seats + 1) + 1
    quota = [p[0] for p in persons if p[3] >= f] if seats > 0 else []
    rest = [p[0] for p in persons if p[0] not in quota]
    elected = quota + rest[: seats - len(quota)]
    return set(elected), rest[seats - len(quota):], f


def main():
    tarball = os.path.join(SHARED, "fv2022", "ft22.tar.xz")
    table = os.path.join(SHARED, "fv2022", "kredsmandater.json")
    schema = os.path.join(SHARED, "valgdk-schemas", "FV-Kandidatdata.schema.json")
    if not os.path.exists(tarball):
        print("1..0 # SKIP DST data missing")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["tar", "-xJf", tarball, "-C", tmp], check=True)
        dst = os.path.join(tmp, "ft22")
        kd_dir = os.path.join(tmp, "kd")
        files = fv_kandidatdata_2022.generate(dst, kd_dir)
        check("10 FV-Kandidatdata files generated", len(files) == 10, str(len(files)))
        try:
            import jsonschema

            with open(schema, encoding="utf-8") as f:
                v = jsonschema.Draft4Validator(json.load(f))
            bad = []
            for p in files:
                with open(p, encoding="utf-8") as f:
                    bad += ["%s: %s" % (os.path.basename(p), e.message) for e in v.iter_errors(json.load(f))]
            check("the generated files are valid FV-Kandidatdata", not bad, "; ".join(bad[:3]))
        except ImportError:
            pass
        out = os.path.join(tmp, "out.json")
        psf_dir = os.path.join(tmp, "psf")
        p = subprocess.run([VALGKIT, "folketingsvalg", "--results", dst, "--table", table, "--kandidatdata", kd_dir,
                            "--out", out, "--partistemmefordeling", psf_dir], capture_output=True, text=True)
        check("valgkit folketingsvalg --kandidatdata exits 0", p.returncode == 0, p.stderr[-500:])
        if p.returncode != 0:
            return report()
        with open(out, encoding="utf-8") as f:
            alloc = json.load(f)

        storkredse, kredse = fv_kandidatdata_2022.read_index(dst)
        sid_by_name = {name: sid for sid, name in storkredse}
        national = {}
        worst = 0
        n_cands = 0
        for sk in alloc["Storkredse"]:
            sid = sid_by_name[sk["Navn"]]
            kids = [kid for kid, _, ksid in kredse if ksid == sid]
            # Whole votes per kreds by largest remainder, as DST's: equal,
            # but for the candidates of a tie that DST broke otherwise (±1).
            tied = set()
            for kid in kids:
                for letter, persons in fv_kandidatdata_2022.read_persons(os.path.join(dst, "fintal_%s.xml" % kid))[0].items():
                    tied |= {(letter, n) for n in dst_ties(persons)}
            dst_parties, dst_votes = dst_storkreds(dst, sid)
            sums = kreds_sums(dst, kids)
            for party in sk["Partier"]:
                letter = party["Bogstav"]
                seats = party["Kredsmandater"] + party["Tillægsmandater"]
                tag = "%s %s" % (sk["Navn"], letter)
                if seats == 0:
                    check(tag + ": no candidates named without seats", "Valgte" not in party)
                    continue
                valgte, stedf = party["Valgte"], party["Stedfortrædere"]
                national[letter] = national.get(letter, 0) + len(valgte)
                check(tag + ": as many Valgte as seats", len(valgte) == seats, "%d != %d" % (len(valgte), seats))
                persons = dst_parties[letter]
                names = [c["Navn"] for c in valgte + stedf]
                check(tag + ": Valgte + Stedfortrædere are DST's candidates",
                      sorted(names) == sorted(x[0] for x in persons), str(names))
                by_name = {x[0]: x for x in persons}
                for c in valgte + stedf:
                    d = by_name.get(c["Navn"])
                    if d is None:
                        continue
                    n_cands += 1
                    s = sums[(letter, c["Navn"])]
                    # DST's storkreds file is its own kredse summed; where it
                    # is not (none for the parties with seats), this says so.
                    check(tag + " " + c["Navn"] + ": DST's storkreds file = its kredse", s == d[1:], "%s %s" % (s, d))
                    check(tag + " " + c["Navn"] + ": PersonligeStemmer", c["PersonligeStemmer"] == d[1],
                          "%d != %d" % (c["PersonligeStemmer"], d[1]))
                    da, dt = abs(c["TildeltePartistemmer"] - d[2]), abs(c["Stemmer"] - d[3])
                    worst = max(worst, da, dt)
                    bound = 1 if (letter, c["Navn"]) in tied else 0
                    check(tag + " " + c["Navn"] + ": TildeltePartistemmer and Stemmer DST's%s" % (" ±1" if bound else ""),
                          da <= bound and dt <= bound,
                          "valgkit %d/%d, DST %d/%d" % (c["TildeltePartistemmer"], c["Stemmer"], d[2], d[3]))
                if party["Opstillingsform"] == "Partiliste":
                    exp, exp_stedf, f = partiliste_expected(persons, dst_votes[letter], seats)
                    check(tag + ": partiliste Fordelingstal", party["Fordelingstal"] == f, "%s != %d" % (party["Fordelingstal"], f))
                    check(tag + ": partiliste Valgte by fordelingstal and list", set(c["Navn"] for c in valgte) == exp,
                          "%s != %s" % (sorted(c["Navn"] for c in valgte), sorted(exp)))
                    check(tag + ": partiliste Stedfortrædere in list order", [c["Navn"] for c in stedf] == exp_stedf,
                          "%s != %s" % ([c["Navn"] for c in stedf], exp_stedf))
                else:
                    top = sorted(persons, key=lambda x: -x[3])
                    check(tag + ": no tie at DST's last seat", seats >= len(top) or top[seats - 1][3] > top[seats][3])
                    check(tag + ": Valgte are DST's top %d by StemmerIAlt" % seats,
                          set(c["Navn"] for c in valgte) == set(x[0] for x in top[:seats]),
                          "%s != %s" % (sorted(c["Navn"] for c in valgte), sorted(x[0] for x in top[:seats])))
                    check(tag + ": Stedfortrædere by total",
                          all(stedf[i]["Stemmer"] >= stedf[i + 1]["Stemmer"] - 1 for i in range(len(stedf) - 1)))
        for party in alloc["Partier"]:
            check("%s: Valgte over all storkredse = its %d seats" % (party["Bogstav"], party["Mandater"]),
                  national.get(party["Bogstav"], 0) == party["Mandater"])
        check("Ø is read as a partiliste",
              any(p.get("Opstillingsform") == "Partiliste" for sk in alloc["Storkredse"] for p in sk["Partier"]
                  if p["Bogstav"] == "Ø"))
        print("# %d candidates compared; largest difference from DST: %d votes" % (n_cands, worst))
        partistemmefordeling(dst, table, kd_dir, psf_dir)
        valgdk_route(dst, table, kd_dir, tmp, alloc, psf_dir)
        bad_input(dst, table, kd_dir, tmp)
    return report()


def dst_ties(persons):
    """The names of the candidates of one party in one kreds that DST gave
    party votes and whose equal personal votes got unequal party votes: a
    tie of remainders that DST broke otherwise than the kandidatdata's
    order (FV2022: Tårnby, V, Bo Sandroos and Søren Sørensen, 2 personal
    votes each, 3.41 party votes each, one vote left over)."""
    out = set()
    for a in persons:
        for b in persons:
            if a is not b and a[2] > 0 and b[2] > 0 and a[1] == b[1] and a[2] != b[2]:
                out |= {a[0], b[0]}
    return out


def partistemmefordeling(dst, table, kd_dir, psf_dir):
    """One file per opstillingskreds, schema-valid, each party's Stemmer its
    votes in DST's kreds file, each candidate's PersonligeStemmer DST's and,
    for every party DST allotted party votes in the kreds, each candidate's
    TildeltePartistemmer DST's TildeltePartiStemmer exactly (both round by
    largest remainder; DST's ties aside: ±1) and adding up to the party's
    votes less its personal votes."""
    _, kredse = fv_kandidatdata_2022.read_index(dst)
    names = sorted(os.listdir(psf_dir))
    check("Partistemmefordeling: one file per opstillingskreds (%d)" % len(kredse), len(names) == len(kredse) == 92,
          "%d files, %d kredse" % (len(names), len(kredse)))
    docs = {}
    for n in names:
        with open(os.path.join(psf_dir, n), encoding="utf-8") as f:
            docs[n] = json.load(f)
    try:
        import jsonschema

        with open(os.path.join(SHARED, "valgdk-schemas", "Partistemmefordeling.schema.json"), encoding="utf-8") as f:
            v = jsonschema.Draft4Validator(json.load(f))
        bad = ["%s: %s" % (n, e.message) for n, d in docs.items() for e in v.iter_errors(d)]
        check("Partistemmefordeling: every file valid against the official schema", not bad, "; ".join(bad[:3]))
    except ImportError:
        pass
    kd = {}
    for name in os.listdir(kd_dir):
        with open(os.path.join(kd_dir, name), encoding="utf-8") as f:
            d = json.load(f)
        kd[d["Storkreds"]] = d
    by_kid = {}
    for n, d in docs.items():
        by_kid[d["OpstillingskredsDagiId"]] = (n, d)
    check("Partistemmefordeling: every kreds of fintal.xml has its file",
          sorted(by_kid) == sorted(kid for kid, _, _ in kredse))
    n_exact = n_tied = n_parties = 0
    for kid, kname, _ in kredse:
        if kid not in by_kid:
            continue
        n, d = by_kid[kid]
        k = kd[d["Storkreds"]]
        tag = "Partistemmefordeling %s" % kname
        check(tag + ": named by storkreds number, DAGI id and name",
              n.startswith("Partistemmefordeling-%s-%s-" % (k["Storkredsnummer"], kid)) and n.endswith(".v1.json")
              and n.isascii() and d["Storkredsnummer"] == int(k["Storkredsnummer"])
              and d["Opstillingskreds"] == fv_kandidatdata_2022.without_number(kname), n)
        parties, _, votes = fv_kandidatdata_2022.read_persons(os.path.join(dst, "fintal_%s.xml" % kid))
        kd_parties = {x["Partibogstav"]: x for x in k["IndenforParti"]}
        check(tag + ": the kandidatdata's parties in its order",
              [x["Bogstavbetegnelse"] for x in d["IndenforParti"]] == [x["Partibogstav"] for x in k["IndenforParti"]])
        for party in d["IndenforParti"]:
            letter = party["Bogstavbetegnelse"]
            kp = kd_parties[letter]
            ptag = "%s %s" % (tag, letter)
            check(ptag + ": Stemmer = DST's, ids and names the kandidatdata's",
                  party["Stemmer"] == votes.get(letter, 0) and party["PartiId"] == kp["PartiId"]
                  and party["PartiNavn"] == kp["Partinavn"] and party["PersonligeStemmer"] == kp["PersonligeStemmer"]
                  and [c["Id"] for c in party["Kandidater"]] == [c["Id"] for c in kp["Kandidater"]],
                  "%s %s" % (party["Stemmer"], votes.get(letter)))
            persons = parties.get(letter, [])
            mine = {c["Stemmeseddelnavn"]: c for c in party["Kandidater"]}
            check(ptag + ": DST's candidates, with their personal votes",
                  all(x[0] in mine and mine[x[0]]["PersonligeStemmer"] == x[1] for x in persons)
                  and sum(c["PersonligeStemmer"] for c in party["Kandidater"]) == sum(x[1] for x in persons))
            allotted = sum(c["TildeltePartistemmer"] for c in party["Kandidater"])
            if sum(x[2] for x in persons) == 0:
                check(ptag + ": no party votes allotted where DST allots none", allotted == 0, str(allotted))
                continue
            n_parties += 1
            check(ptag + ": TildeltePartistemmer add up to Stemmer less PersonligeStemmer",
                  allotted == party["Stemmer"] - sum(c["PersonligeStemmer"] for c in party["Kandidater"]),
                  "%d != %d - personal" % (allotted, party["Stemmer"]))
            ties = dst_ties(persons)
            for name, _, dst_allot, _ in persons:
                got = mine[name]["TildeltePartistemmer"] if name in mine else None
                if name in ties:
                    n_tied += 1
                    check(ptag + " " + name + ": TildeltePartistemmer DST's within ±1 (a tie DST broke otherwise)",
                          got is not None and abs(got - dst_allot) <= 1, "%s != %d" % (got, dst_allot))
                else:
                    n_exact += 1
                    check(ptag + " " + name + ": TildeltePartistemmer = DST's TildeltePartiStemmer", got == dst_allot,
                          "%s != %d" % (got, dst_allot))
    print("# Partistemmefordeling: %d parties with party votes, %d candidates exactly DST's, %d in DST's ties"
          % (n_parties, n_exact, n_tied))
    p = subprocess.run([VALGKIT, "folketingsvalg", "--results", dst, "--table", table, "--kandidatdata", kd_dir,
                        "--out", os.path.join(psf_dir, "..", "again.json"), "--partistemmefordeling", psf_dir],
                       capture_output=True, text=True)
    check("Partistemmefordeling again: nothing new to write (0 files, no .v2)",
          p.returncode == 0 and "92 opstillingskredse, 0 filer" in p.stdout and len(os.listdir(psf_dir)) == 92,
          p.stdout[-300:] + p.stderr[-300:])


def psf_contents(d):
    out = {}
    for n in os.listdir(d):
        with open(os.path.join(d, n), encoding="utf-8") as f:
            doc = json.load(f)
        del doc["FrigivelsesTidspunktUTC"]
        out[n] = doc
    return out


def valgdk_route(dst, table, kd_dir, tmp, alloc, psf_dir):
    """The same from valg.dk FV-Valgresultater files (every kreds written by
    valgkit's own --valgdk-out, each as a municipality of its own): the
    candidates are matched by name and kredse by DAGI id as from DST."""
    _, kredse = fv_kandidatdata_2022.read_index(dst)
    out_dir = os.path.join(tmp, "valgdk")
    for i, (_, kname, _) in enumerate(kredse):
        p = subprocess.run([VALGKIT, "folketingsvalg", "--results", dst, "--valgdk-out", out_dir, "--kommune",
                            str(101 + i), "--kommune-navn", "K%d" % i, "--opstillingskreds", kname],
                           capture_output=True, text=True)
        if p.returncode != 0:
            check("valg.dk files written", False, p.stderr)
            return
    out = os.path.join(tmp, "out-valgdk.json")
    psf_valgdk = os.path.join(tmp, "psf-valgdk")
    p = subprocess.run([VALGKIT, "folketingsvalg", "--results", out_dir, "--table", table, "--kandidatdata", kd_dir,
                        "--out", out, "--partistemmefordeling", psf_valgdk], capture_output=True, text=True)
    check("valg.dk FV-Valgresultater + kandidatdata exits 0", p.returncode == 0, p.stderr[-500:])
    if p.returncode != 0:
        return
    with open(out, encoding="utf-8") as f:
        other = json.load(f)
    for a, b in zip(alloc["Storkredse"], other["Storkredse"]):
        check("valg.dk files: %s's Valgte and Stedfortrædere as from DST's XML" % a["Navn"],
              a["Partier"] == b["Partier"] and a["UdenforParti"] == b["UdenforParti"])
    # Kredse matched by OpstillingskredsDagiId here: the same 92 files.
    check("valg.dk files: the same Partistemmefordeling as from DST's XML",
          psf_contents(psf_dir) == psf_contents(psf_valgdk), str(sorted(os.listdir(psf_valgdk)))[:300])


def bad_input(dst, table, kd_dir, tmp):
    """Kandidatdata that does not fit the results: exit 2 naming the file and the entry."""
    bornholm = os.path.join(kd_dir, "kandidat-data-Folketingsvalg-4-2022.json")
    with open(bornholm, encoding="utf-8") as f:
        good = json.load(f)

    def run(tag, doc, expect, psf=False):
        bad_dir = os.path.join(tmp, "bad-" + tag)
        psf_dir = os.path.join(tmp, "bad-psf-" + tag)
        out = os.path.join(tmp, "bad-%s.json" % tag)
        os.makedirs(bad_dir)
        for name in os.listdir(kd_dir):
            src = os.path.join(kd_dir, name)
            dst_path = os.path.join(bad_dir, name)
            with open(dst_path, "w", encoding="utf-8") as f:
                if name == os.path.basename(bornholm):
                    json.dump(doc, f, ensure_ascii=False)
                else:
                    with open(src, encoding="utf-8") as g:
                        f.write(g.read())
        p = subprocess.run([VALGKIT, "folketingsvalg", "--results", dst, "--table", table, "--kandidatdata", bad_dir,
                            "--out", out] + (["--partistemmefordeling", psf_dir] if psf else []),
                           capture_output=True, text=True)
        ok = p.returncode == 2 and os.path.basename(bornholm) in p.stderr and all(e in p.stderr for e in expect)
        # Nothing is written: neither --out nor any Partistemmefordeling.
        ok = ok and not os.path.exists(out) and not os.path.exists(psf_dir)
        check("bad kandidatdata (%s): exit 2 naming the file and entry" % tag, ok, "%d %s" % (p.returncode, p.stderr))

    v = [i for i, x in enumerate(good["IndenforParti"]) if x["Partibogstav"] == "V"][0]
    doc = json.loads(json.dumps(good))
    doc["IndenforParti"][v]["Kandidater"] = [c for c in doc["IndenforParti"][v]["Kandidater"]
                                             if c["Navn"] != "Julie Pauch Nymark"]
    run("candidate missing", doc, ["IndenforParti[%d]" % v, "Julie Pauch Nymark", "not among its Kandidater"])
    doc = json.loads(json.dumps(good))
    ghost = json.loads(json.dumps(doc["IndenforParti"][v]["Kandidater"][0]))
    ghost["Navn"] = ghost["Stemmeseddelnavn"] = "Ghost Kandidat"
    doc["IndenforParti"][v]["Kandidater"].append(ghost)
    run("candidate not in the results", doc, ["IndenforParti[%d].Kandidater[3]" % v, "Ghost Kandidat"])
    doc = json.loads(json.dumps(good))
    doc["IndenforParti"] = [x for x in doc["IndenforParti"] if x["Partibogstav"] != "K"]
    run("party letter missing", doc, ["no Partibogstav K"])
    doc = json.loads(json.dumps(good))
    doc["IndenforParti"][v]["Partibogstav"] = "X"
    run("party not in the results", doc, ["IndenforParti[%d]" % v, "party X is not in the results"])
    # A kreds of the results (Rønne) that no entry of the kandidatdata
    # names, neither by DAGI id nor by name: its party votes would go to no
    # one, and --partistemmefordeling has no name or id for its file.
    doc = json.loads(json.dumps(good))
    for x in doc["IndenforParti"] + [{"Kandidater": doc["UdenforParti"]}]:
        for c in x["Kandidater"]:
            for e in c["Opstillingskredse"]:
                if e["Opstillingskreds"] == "Rønne":
                    e["Opstillingskreds"], e["OpstillingskredsDagiId"] = "Hasle", "999999"
    run("result kreds not in the kandidatdata", doc,
        ["Opstillingskredse", "the results' opstillingskreds \"Rønne\"", "Bornholms Storkreds"], psf=True)


def report():
    print("1..%d" % len(results))
    failed = 0
    for i, (name, ok, detail) in enumerate(results, start=1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        if not ok:
            failed += 1
            print("#   " + detail.replace("\n", "\n#   "))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
