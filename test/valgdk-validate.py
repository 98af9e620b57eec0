#!/usr/bin/python3
# valgdk-validate.py SCHEMA_DIR DELIVERY_DIR: validates every file of a
# valgkit valg.dk delivery folder against valg.dk's own schema (draft-04):
# <contest>/valgdeltagelse/<kode>-<nnn>.vN.json  Valgdeltagelse
# <contest>/foreloebig/…, <contest>/fintaelling/…  KVRV-Valgresultater
# <contest>/mandatfordeling-<kind>.vN.json       Mandatfordeling
# (status.vN.json is valgkit's own list of tables not delivered.)
# Exit 0 when all are valid, 1 otherwise, 77 without python3-jsonschema.
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit(77)

schemas, root = sys.argv[1], sys.argv[2]
validators = {}


def validator(name):
    if name not in validators:
        with open(os.path.join(schemas, name + ".schema.json"), encoding="utf-8") as f:
            validators[name] = jsonschema.Draft4Validator(json.load(f))
    return validators[name]


counts = {}
bad = 0
for path in sorted(glob.glob(os.path.join(root, "**", "*.json"), recursive=True)):
    rel = os.path.relpath(path, root)
    parts = rel.split(os.sep)
    base = parts[-1]
    if len(parts) == 3 and parts[1] == "valgdeltagelse":
        if base.startswith("status."):
            continue
        name = "Valgdeltagelse"
    elif len(parts) == 3 and parts[1] in ("foreloebig", "fintaelling"):
        name = "KVRV-Valgresultater"
    elif len(parts) == 2 and base.startswith("mandatfordeling-"):
        name = "Mandatfordeling"
    else:
        print(rel, "is not a file of a delivery folder")
        bad += 1
        continue
    with open(path, encoding="utf-8") as f:
        for e in validator(name).iter_errors(json.load(f)):
            print(rel, list(e.absolute_path), e.message[:300])
            bad += 1
    counts[name] = counts.get(name, 0) + 1
print(" ".join("%s=%d" % kv for kv in sorted(counts.items())), "valid" if bad == 0 else "INVALID")
sys.exit(1 if bad else 0)
