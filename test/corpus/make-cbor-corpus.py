#!/usr/bin/python3
# Writes the seed corpus for test/fuzz-cbor.c: a few valid deterministic
# items (made with cbor2 in canonical mode) and a few inputs the decoder
# must reject.  Run from anywhere: /usr/bin/python3 make-cbor-corpus.py
import os
import cbor2

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cbor")
os.makedirs(here, exist_ok=True)


def enc(value):
    return cbor2.dumps(value, canonical=True)


entry = [1, bytes(32), "station-1", 7, bytes(range(32)), 1760000000000, "check-in",
         {"voter": 1234, "area": "Aarhus Øst", "ok": True, "note": None}]
seeds = {
    "valid-entry": enc(entry),
    "valid-cose-shape": enc(cbor2.CBORTag(18, [bytes.fromhex("a10127"), {4: bytes(8)}, b"payload", bytes(64)])),
    "valid-ints": enc([0, 23, 24, 255, 256, 65535, 65536, 2**32, 2**64 - 1, -1, -24, -25, -2**64]),
    # From RFC 8949 Appendix A by hand: cbor2 writes 65504.0 as a single.
    "valid-floats": bytes.fromhex("88f90000f98000f93e00f97bfffa47c35000fb3ff199999999999af97c00f97e00"),
    "valid-map-order": bytes.fromhex("a80a00186401200261 7a0362616104811864058120 06f407".replace(" ", "")),
    "valid-text": enc(["", "a", "\u00fc", "\u6c34", "\U00010151", "x\x00y"]),
    "sequence-of-three": enc(1) + enc([2, 3]) + enc({"a": "b"}),
    "invalid-indefinite": bytes.fromhex("bf61610161629f0203ffff"),
    "invalid-unsorted": bytes.fromhex("a2616201616100"),
    "invalid-duplicate": bytes.fromhex("a201000100"),
    "invalid-non-shortest": bytes.fromhex("83011817fa3f800000"),
    "invalid-utf8": bytes.fromhex("8262c32863eda080"),
    "invalid-huge-length": bytes.fromhex("825b100000000000000000"),
    "invalid-depth": bytes.fromhex("81" * 40 + "00"),
    "invalid-truncated": enc(entry)[:-5],
}
for name, data in seeds.items():
    with open(os.path.join(here, name + ".cbor"), "wb") as f:
        f.write(data)
