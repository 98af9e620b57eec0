#!/usr/bin/python3
# package_verify.py: an independent verifier of a valgkit election package.
#
# Copyright 2026 The valgkit authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Written from docs/package-format.md alone, with Python's sqlite3 and
# hashlib plus python3-cbor2 and python3-nacl.  It recomputes the election
# id from the tables, checks the package signature and every enrolment,
# and prints:
#   election_id <hex>
#   contest <id> <type> <seats> <lists> <areas> <eligible total>   (the primary first)
#   device <id> <role> <area or -> <public key hex> <valid_from> <valid_to> [tls <SHA-256 hex>]
# Exit status 0 when the package verifies, 1 with the reason on stderr.
import hashlib
import sqlite3
import sys

import cbor2
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

FORMAT = "valgkit-package-v3"
SCHEMA_VERSION = 3

# The sections of §3.1 in the order of §3.3.
SECTIONS = [
    ("election", "SELECT type, date, municipality, municipality_code, municipality_dagi_id, seats, region, "
     "region_dagi_id, test, title FROM election"),
    ("lists", "SELECT id, position, letter, name, form, contest FROM list ORDER BY id"),
    ("candidates",
     "SELECT id, list_id, position, name, ballot_name, occupation, residence FROM candidate ORDER BY id"),
    ("valgforbund", "SELECT id, name, contest FROM valgforbund ORDER BY id"),
    ("areas", "SELECT number, name, dagi_id, eligible, kreds, kreds_name, valgdk_number FROM area ORDER BY number"),
    ("voters", "SELECT area, loebenummer, name, address, birth_date, contests FROM voter ORDER BY area, loebenummer"),
    ("contests", "SELECT id, position, type, region, region_dagi_id, seats, title FROM contest ORDER BY position"),
]


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def section_items(db, name, sql):
    rows = [list(r) for r in db.execute(sql)]
    if name == "election":
        if len(rows) != 1:
            fail("election: expected one row")
        return rows[0]
    if name == "valgforbund":
        # [id, name, [list_id, ...], contest]
        for r in rows:
            r.insert(2, [m for (m,) in db.execute(
                "SELECT list_id FROM valgforbund_member WHERE valgforbund_id = ? ORDER BY position", (r[0],))])
    if name == "candidates":
        # [id, list_id, position, name, ballot_name, occupation, residence, [[kreds, position], ...]]
        for r in rows:
            r.append([list(k) for k in db.execute(
                "SELECT kreds, position FROM candidate_kreds WHERE candidate_id = ? ORDER BY kreds", (r[0],))])
    if name == "areas":
        # [number, name, dagi_id, eligible, kreds, kreds_name(, valgdk_number when not NULL)]
        for r in rows:
            if r[-1] is None:
                r.pop()
    if name == "contests":
        # [id, position, type, region, region_dagi_id, seats, title, [[area, eligible], ...]]
        for r in rows:
            r.append([list(a) for a in db.execute(
                "SELECT area, eligible FROM area_contest WHERE contest = ? ORDER BY area", (r[0],))])
    return rows


def check_contests(db):
    """Every list and valgforbund names the primary contest or a contest row, and every
    contest has eligible voters for every area of the event (§2)."""
    primary = db.execute("SELECT type FROM election").fetchone()[0]
    contests = {c for (c,) in db.execute("SELECT id FROM contest")}
    if primary in contests:
        fail(f"contest {primary}: the primary contest has a contest row")
    for table in ("list", "valgforbund"):
        for row_id, contest in db.execute(f"SELECT id, contest FROM {table}"):
            if contest != primary and contest not in contests:
                fail(f"{table} {row_id}: the event has no contest {contest!r}")
    for (member, list_contest, vf_contest) in db.execute(
            "SELECT m.list_id, l.contest, v.contest FROM valgforbund_member m JOIN list l ON l.id = m.list_id "
            "JOIN valgforbund v ON v.id = m.valgforbund_id"):
        if list_contest != vf_contest:
            fail(f"list {member}: in a valgforbund of another contest")
    areas = {a for (a,) in db.execute("SELECT number FROM area")}
    for c in contests:
        have = {a for (a,) in db.execute("SELECT area FROM area_contest WHERE contest = ?", (c,))}
        if have != areas:
            fail(f"contest {c}: eligible voters not given for every area")


def cose_sign1_verify(item, public_key):
    """Returns the payload of a valgkit COSE_Sign1 that verifies under public_key."""
    obj = cbor2.loads(item)
    if not isinstance(obj, cbor2.CBORTag) or obj.tag != 18 or len(obj.value) != 4:
        fail("not a COSE_Sign1")
    protected, unprotected, payload, signature = obj.value
    if cbor2.loads(protected) != {1: -8}:
        fail("protected header is not {1: -8}")
    if unprotected.get(4) != hashlib.sha256(public_key).digest()[:8]:
        fail("key id does not match the election key")
    sig_structure = cbor2.dumps(["Signature1", protected, b"", payload])
    try:
        VerifyKey(public_key).verify(sig_structure, signature)
    except BadSignatureError:
        fail("signature does not verify")
    return payload


def main():
    # Read-only, and never let the file run code: plain sqlite3 is enough.
    db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    db.text_factory = lambda b: b.decode("utf-8")
    if db.execute("PRAGMA application_id").fetchone()[0] != 0x564B5047:
        fail("not a valgkit package (application_id)")
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        fail(f"unknown schema version {version} (this verifier reads {SCHEMA_VERSION})")
    fmt, election_id, election_key, signature = db.execute(
        "SELECT format, election_id, election_key, signature FROM package WHERE id = 1").fetchone()
    if fmt != FORMAT:
        fail("unknown format")

    digests = []
    for name, sql in SECTIONS:
        digests.append(hashlib.sha256(cbor2.dumps(section_items(db, name, sql))).digest())
    computed = hashlib.sha256(cbor2.dumps([FORMAT, election_key] + digests)).digest()
    if computed != election_id:
        fail("content does not match the election id")
    check_contests(db)
    if cose_sign1_verify(signature, election_key) != cbor2.dumps(["valgkit-package", election_id]):
        fail("package signature is over another statement")
    print("election_id", election_id.hex())
    (ptype, pseats) = db.execute("SELECT type, seats FROM election").fetchone()
    contests = [(ptype, ptype, pseats, "SELECT sum(eligible) FROM area")] + [
        (cid, ctype, seats, "SELECT sum(eligible) FROM area_contest WHERE contest = ?")
        for (cid, ctype, seats) in db.execute("SELECT id, type, seats FROM contest ORDER BY position")]
    for (cid, ctype, seats, eligible_sql) in contests:
        n_lists = db.execute("SELECT count(*) FROM list WHERE contest = ?", (cid,)).fetchone()[0]
        n_areas = db.execute("SELECT count(*) FROM area").fetchone()[0]
        eligible = db.execute(eligible_sql, () if cid == ptype else (cid,)).fetchone()[0] or 0
        print("contest", cid, ctype, seats, n_lists, n_areas, eligible)

    for row in db.execute(
            "SELECT device_id, role, area, public_key, valid_from, valid_to, enrolment, tls_sha256 FROM device "
            "ORDER BY device_id"):
        device_id, role, area, key, valid_from, valid_to, enrolment, tls = row
        payload = cose_sign1_verify(enrolment, election_key)
        statement = cbor2.loads(payload)
        expected = {"election": election_id, "device": device_id, "role": role, "area": area, "key": key,
                    "valid_from": valid_from, "valid_to": valid_to}
        # §5: "tls" (the count server's certificate pin) only when the column is not NULL.
        if tls is not None:
            if len(tls) != 32 or role != "server":
                fail(f"device {device_id}: only a server may pin a TLS certificate, of 32 bytes")
            expected["tls"] = tls
        if statement != expected or payload != cbor2.dumps(expected, canonical=True):
            fail(f"device {device_id}: columns differ from the signed enrolment")
        print("device", device_id, role, "-" if area is None else area, key.hex(), valid_from, valid_to,
              *(["tls", tls.hex()] if tls is not None else []))


main()
