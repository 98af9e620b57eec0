#!/usr/bin/python3
"""An independent valgkit journal verifier and writer, from docs/journal-format.md alone.

Uses only cbor2 and PyNaCl (Debian: python3-cbor2, python3-nacl); shares no code with
valgkit. Commands:

  verify --election-id HEX --devices devices.json FILE.vkj...
      Verifies each journal per J5 (structure, election, one device, enrolment + kid,
      seq, chain, time, every signature) and looks for forks across files. Exit 0 if all
      pass, 1 with the first problem on stderr.
  write --seed HEX --device ID --election-id HEX --count N --out FILE.vkj [--area N]
      Writes a journal of N check-in entries signed with the Ed25519 key from SEED.
  pub --seed HEX --role ROLE --device ID --out FILE.pub
      Writes the public key file (docs/key-format.md) for that key.

devices.json is the output of `valgkit election devices E.vkp --json`: a list of objects
with "device", "role", "area", "public_key" (hex) and optionally "valid_from"/"valid_to".
"""

import argparse
import hashlib
import json
import sys

import cbor2
import nacl.exceptions
import nacl.signing

PROTECTED = bytes.fromhex("a10127")  # {1: -8}


class Bad(Exception):
    pass


def key_id(public_key):
    return hashlib.sha256(public_key).digest()[:8]


def canonical(obj):
    # cbor2's canonical mode implements RFC 8949 length-first map key order for the
    # types used here (RFC 7049 canonical == RFC 8949 §4.2.1 for ints, strings, maps).
    return cbor2.dumps(obj, canonical=True)


def sig_structure(payload):
    return canonical(["Signature1", PROTECTED, b"", payload])


def read_sequence(data, name):
    """Splits a CBOR sequence into items, each checked to be deterministically encoded."""
    import io

    items = []
    stream = io.BytesIO(data)
    while stream.tell() < len(data):
        start = stream.tell()
        try:
            item = cbor2.CBORDecoder(stream).decode()
        except Exception as e:  # cbor2 raises several types on bad input
            raise Bad(f"{name}: entry {len(items) + 1} at byte {start}: {e}")
        raw = data[start:stream.tell()]
        if canonical(item) != raw:
            raise Bad(f"{name}: entry {len(items) + 1} at byte {start}: not deterministic CBOR")
        items.append(item)
    return items


def parse_entry(item, where):
    if not isinstance(item, cbor2.CBORTag) or item.tag != 18:
        raise Bad(f"{where}: not a tagged COSE_Sign1")
    msg = item.value
    if not isinstance(msg, list) or len(msg) != 4:
        raise Bad(f"{where}: COSE_Sign1 is not an array of 4")
    protected, unprotected, payload, signature = msg
    if protected != PROTECTED:
        raise Bad(f"{where}: protected header is not {{1: -8}}")
    if not isinstance(unprotected, dict) or set(unprotected) != {4} or not isinstance(unprotected[4], bytes) \
            or len(unprotected[4]) != 8:
        raise Bad(f"{where}: unprotected header is not {{4: kid}}")
    if not isinstance(payload, bytes) or not isinstance(signature, bytes) or len(signature) != 64:
        raise Bad(f"{where}: bad payload or signature")
    p = cbor2.loads(payload)
    if canonical(p) != payload:
        raise Bad(f"{where}: payload not deterministic CBOR")
    if not isinstance(p, list) or len(p) != 8 or p[0] != 1:
        raise Bad(f"{where}: payload is not [1, ...8 items]")
    _, election, device, seq, prev, time_ms, typ, body = p
    if not (isinstance(election, bytes) and len(election) == 32 and isinstance(device, str) and device
            and isinstance(seq, int) and seq >= 1 and isinstance(prev, bytes) and len(prev) == 32
            and isinstance(time_ms, int) and time_ms >= 0 and isinstance(typ, str) and typ
            and isinstance(body, dict) and all(isinstance(k, str) for k in body)):
        raise Bad(f"{where}: payload fields have the wrong types")
    return {
        "kid": unprotected[4], "payload": payload, "signature": signature,
        "election": election, "device": device, "seq": seq, "prev": prev, "time": time_ms,
        "type": typ, "body": body, "hash": hashlib.sha256(payload).digest(),
    }


def verify_journal(data, name, election_id, devices):
    items = read_sequence(data, name)
    if not items:
        raise Bad(f"{name}: no entries")
    entries = [parse_entry(it, f"{name}: entry {i + 1}") for i, it in enumerate(items)]
    device = entries[0]["device"]
    if device not in devices:
        raise Bad(f"{name}: device {device} not enrolled")
    dev = devices[device]
    pk = bytes.fromhex(dev["public_key"])
    verify_key = nacl.signing.VerifyKey(pk)
    prev_entry = None
    for e in entries:
        where = f"{name}: entry {e['seq']}"
        if e["election"] != election_id:
            raise Bad(f"{where}: another election")
        if e["device"] != device:
            raise Bad(f"{where}: another device")
        if e["kid"] != key_id(pk):
            raise Bad(f"{where}: kid is not the enrolled key's")
        if prev_entry is None:
            if e["seq"] != 1 or e["prev"] != bytes(32):
                raise Bad(f"{where}: journal does not start at seq 1 with a zero prev")
        else:
            if e["seq"] != prev_entry["seq"] + 1:
                raise Bad(f"{where}: seq gap")
            if e["prev"] != prev_entry["hash"]:
                raise Bad(f"{where}: prev hash mismatch")
            if e["time"] < prev_entry["time"]:
                raise Bad(f"{where}: time runs backwards")
        if e["time"] < dev.get("valid_from", 0) or (dev.get("valid_to", 0) and e["time"] > dev["valid_to"]):
            raise Bad(f"{where}: outside the enrolment window")
        try:
            verify_key.verify(sig_structure(e["payload"]), e["signature"])
        except nacl.exceptions.BadSignatureError:
            raise Bad(f"{where}: bad signature")
        prev_entry = e
    return entries


def cmd_verify(args):
    election_id = bytes.fromhex(args.election_id)
    with open(args.devices, encoding="utf-8") as f:
        devices = {d["device"]: d for d in json.load(f)}
    seen = {}
    for name in args.files:
        with open(name, "rb") as f:
            data = f.read()
        try:
            entries = verify_journal(data, name, election_id, devices)
        except Bad as e:
            print(f"FAILED: {e}", file=sys.stderr)
            return 1
        for e in entries:
            k = (e["device"], e["seq"])
            if k in seen and seen[k] != e["hash"]:
                print(f"FAILED: fork: device {k[0]} entry {k[1]}", file=sys.stderr)
                return 1
            seen[k] = e["hash"]
        print(f"{name}: ok, {len(entries)} entries")
    return 0


def signing_key(seed_hex):
    return nacl.signing.SigningKey(bytes.fromhex(seed_hex))


def cmd_write(args):
    sk = signing_key(args.seed)
    pk = bytes(sk.verify_key)
    election_id = bytes.fromhex(args.election_id)
    prev = bytes(32)
    out = bytearray()
    for seq in range(1, args.count + 1):
        body = {"area": args.area, "loebenummer": 1000 + seq, "method": "search"}
        payload = canonical([1, election_id, args.device, seq, prev, args.time + seq * 1000, "checkin", body])
        signature = sk.sign(sig_structure(payload)).signature
        out += canonical(cbor2.CBORTag(18, [PROTECTED, {4: key_id(pk)}, payload, signature]))
        prev = hashlib.sha256(payload).digest()
    with open(args.out, "wb") as f:
        f.write(out)
    return 0


def cmd_pub(args):
    pk = bytes(signing_key(args.seed).verify_key)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(f"untrusted comment: valgkit public key {args.role} {args.device}\n")
        f.write(f"valgkit-ed25519:{pk.hex()}\n")
        f.write(f"role: {args.role}\n")
        f.write(f"device: {args.device}\n")
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("verify")
    v.add_argument("--election-id", required=True)
    v.add_argument("--devices", required=True)
    v.add_argument("files", nargs="+")
    w = sub.add_parser("write")
    w.add_argument("--seed", required=True)
    w.add_argument("--device", required=True)
    w.add_argument("--election-id", required=True)
    w.add_argument("--count", type=int, default=5)
    w.add_argument("--area", type=int, default=1)
    w.add_argument("--time", type=int, default=1763452800000)
    w.add_argument("--out", required=True)
    p = sub.add_parser("pub")
    p.add_argument("--seed", required=True)
    p.add_argument("--role", required=True)
    p.add_argument("--device", required=True)
    p.add_argument("--out", required=True)
    args = ap.parse_args()
    return {"verify": cmd_verify, "write": cmd_write, "pub": cmd_pub}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
