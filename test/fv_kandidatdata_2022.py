#!/usr/bin/python3
# fv_kandidatdata_2022.py DST_DIR OUT_DIR: writes one valg.dk FV-Kandidatdata
# file per storkreds for the 2022 folketingsvalg, built from Danmarks
# Statistik's own fintælling XML (valg.dk's 2022 kandidatdata is not in the
# data).  What DST does not say is derived from what it shows
# (docs/folketingsvalg.md, "Checked against FV2022"):
#  - PersonligeStemmer true for a party whose candidates DST allotted no
#    party votes (TildeltePartiStemmer 0) anywhere in the storkreds;
#  - a candidate is nominated in a kreds (OpstilletIKreds) when DST allotted
#    it party votes there; where the party has no party votes to allot, or
#    has PersonligeStemmer true, every candidate counts as nominated;
#  - Opstillingsform "Partiliste" for Enhedslisten (Ø) and Frie Grønne (Q),
#    PartiListePlacering their order in DST's storkreds file (DST lists a
#    partiliste in list order); "Sideordnet" for the other parties;
#  - Navn and Stemmeseddelnavn are DST's name; ids are UUIDs derived from
#    the names; independents are nominated where DST lists them.
import json
import os
import sys
import uuid
import xml.etree.ElementTree as ET

PARTILISTE = ("Ø", "Q")


def guid(*parts):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "valgkit-fv2022:" + ":".join(parts)))


def without_number(name):
    head, sep, tail = name.partition(". ")
    return tail if sep and head.isdigit() else name


def valgdk_storkreds(name):
    """'Bornholms Storkreds' -> 'Bornholm', as valg.dk names storkredse."""
    if name.endswith("s Storkreds"):
        return name[: -len("s Storkreds")]
    if name.endswith(" Storkreds"):
        return name[: -len(" Storkreds")]
    return name


def read_index(dst):
    root = ET.parse(os.path.join(dst, "fintal.xml")).getroot()
    storkredse = [(e.get("storkreds_id"), e.text.strip()) for e in root.find("Storkredse")]
    kredse = [(e.get("opstillingskreds_id"), e.text.strip(), e.get("storkreds_id")) for e in root.find("Opstillingskredse")]
    return storkredse, kredse


def read_persons(path):
    """{letter: [(name, personal, allotted, total)]} in DST's order, and the
    independents [(name, personal)], and the parties' votes {letter: votes}."""
    root = ET.parse(path).getroot()
    parties, independents, votes = {}, [], {}
    for p in root.find("Stemmer").findall("Parti"):
        if p.get("Bogstav"):
            votes[p.get("Bogstav")] = int(p.get("StemmerAntal"))
    for p in root.find("Personer").findall("Parti"):
        letter = p.get("Bogstav")
        if not letter:
            independents.append((p.get("navn"), int(p.get("PersonligeStemmer"))))
            continue
        parties[letter] = [
            (c.get("Navn"), int(c.get("PersonligeStemmer")), int(c.get("TildeltePartiStemmer")), int(c.get("StemmerIAlt")))
            for c in p.findall("Person")
        ]
    return parties, independents, votes


def party_names(path):
    root = ET.parse(path).getroot()
    out = {}
    for p in root.find("Stemmer").findall("Parti"):
        if p.get("Bogstav"):
            name = p.get("Navn")
            prefix = p.get("Bogstav") + ". "
            out[p.get("Bogstav")] = name[len(prefix):] if name.startswith(prefix) else name
    return out


def generate(dst, out_dir):
    storkredse, kredse = read_index(dst)
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for number, (sid, sname) in enumerate(storkredse, start=1):
        sk_parties, sk_independents, _ = read_persons(os.path.join(dst, "fintal_%s.xml" % sid))
        names = party_names(os.path.join(dst, "fintal_%s.xml" % sid))
        my_kredse = [(kid, without_number(kname)) for kid, kname, ksid in kredse if ksid == sid]
        per_kreds = {kid: read_persons(os.path.join(dst, "fintal_%s.xml" % kid)) for kid, _ in my_kredse}
        parties = []
        for place, (letter, persons) in enumerate(sk_parties.items()):
            personal_only = all(a == 0 for _, _, a, _ in persons)
            partiliste = letter in PARTILISTE and not personal_only
            form = "Partiliste" if partiliste else "Sideordnet"
            cands = []
            for i, (cname, _, _, _) in enumerate(persons):
                entries = []
                for kid, kname in my_kredse:
                    kp, _, kvotes = per_kreds[kid]
                    row = [r for r in kp.get(letter, []) if r[0] == cname]
                    allotted = row[0][2] if row else 0
                    party_votes = kvotes.get(letter, 0) - sum(r[1] for r in kp.get(letter, []))
                    nominated = allotted > 0 or personal_only or (party_votes == 0 and not partiliste)
                    entries.append({
                        "Opstillingsform": form,
                        "Opstillingskreds": kname,
                        "OpstillingskredsDagiId": kid,
                        "OpstilletIKreds": nominated,
                        "KandidatsPlacering": i + 1,
                    })
                cands.append({
                    "Opstillingskredse": entries,
                    "Id": guid(sname, letter, cname),
                    "Navn": cname,
                    "Stemmeseddelnavn": cname,
                    "Stilling": None,
                    "PartiListePlacering": i + 1 if partiliste else None,
                    "AlfabetiskSorteretPlacering": sorted(c[0] for c in persons).index(cname) + 1,
                })
            parties.append({
                "PartiId": guid(letter),
                "Stemmeseddelsplacering": place,
                "Partibogstav": letter,
                "Partinavn": names.get(letter, letter),
                "PersonligeStemmer": personal_only,
                "Kandidater": cands,
            })
        independents = []
        for i, (iname, _) in enumerate(sk_independents):
            independents.append({
                "Opstillingskredse": [{
                    "Opstillingskreds": kname,
                    "OpstillingskredsDagiId": kid,
                    "OpstilletIKreds": any(n == iname for n, _ in per_kreds[kid][1]),
                    "KandidatsPlacering": 1,
                } for kid, kname in my_kredse],
                "Id": guid(sname, "uden for partier", iname),
                "Navn": iname,
                "Stemmeseddelnavn": iname,
                "Stilling": None,
                "PartiListePlacering": None,
                "AlfabetiskSorteretPlacering": i + 1,
            })
        doc = {
            "Valgdag": "01-11-2022",
            "Valgart": "Folketingsvalg",
            "FrigivelsesTidspunktUTC": "01-11-2022 20:00:00",
            "OpdateringsTidspunktUTC": "01-11-2022 20:00:00",
            "Storkreds": valgdk_storkreds(sname),
            "Storkredsnummer": str(number),
            "IndenforParti": parties,
            "UdenforParti": independents,
        }
        path = os.path.join(out_dir, "kandidat-data-Folketingsvalg-%d-2022.json" % number)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)
        written.append(path)
    return written


if __name__ == "__main__":
    for p in generate(sys.argv[1], sys.argv[2]):
        print(p)
