#!/usr/bin/python3
# valgdk-validate-kind.py SCHEMA_DIR SCHEMA DIR: validates every *.json of
# DIR against valg.dk's schema SCHEMA (e.g. FV-Valgresultater; draft-04).
# Prints the number of files; exit 0 when all are valid (and there is at
# least one), 1 otherwise, 77 without python3-jsonschema.
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit(77)

schemas, name, root = sys.argv[1], sys.argv[2], sys.argv[3]
with open(os.path.join(schemas, name + ".schema.json"), encoding="utf-8") as f:
    validator = jsonschema.Draft4Validator(json.load(f))
paths = sorted(glob.glob(os.path.join(root, "*.json")))
bad = 0
for path in paths:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    for e in validator.iter_errors(doc):
        bad += 1
        print("%s: %s: %s" % (path, "/".join(str(p) for p in e.path), e.message))
print("%d %s files, %d errors" % (len(paths), name, bad))
sys.exit(1 if bad or not paths else 0)
