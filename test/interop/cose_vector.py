#!/usr/bin/python3
"""COSE_Sign1 interop vector for valgkit, made with cbor2 and PyNaCl only.

Signs the payload b"valgkit interop" with the RFC 8032 §7.1 TEST 1 key the
way RFC 9052 §4.2/§4.4 prescribe and valgkit's vk-cose.h narrows it:
18([h'a10127' ({1: -8}), {4: kid}, payload, signature]) where kid is the
first 8 bytes of SHA-256 of the public key.  Ed25519 is deterministic, so
the bytes are fixed.

  cose_vector.py              print the vector as hex
  cose_vector.py --check HEX  check HEX against it and verify HEX's signature
  cose_vector.py --tool PATH  run PATH (test/cose-sign-tool) and check its output
"""
import hashlib
import subprocess
import sys

import cbor2
import nacl.exceptions
import nacl.signing

SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
PAYLOAD = b"valgkit interop"
PROTECTED = cbor2.dumps({1: -8}, canonical=True)


def vector():
    key = nacl.signing.SigningKey(SEED)
    public = bytes(key.verify_key)
    kid = hashlib.sha256(public).digest()[:8]
    to_sign = cbor2.dumps(["Signature1", PROTECTED, b"", PAYLOAD], canonical=True)
    signature = key.sign(to_sign).signature
    item = cbor2.CBORTag(18, [PROTECTED, {4: kid}, PAYLOAD, signature])
    return cbor2.dumps(item, canonical=True)


def check(hex_text):
    expected = vector()
    got = bytes.fromhex(hex_text.strip())
    if got != expected:
        sys.exit(f"mismatch:\n  expected {expected.hex()}\n  got      {got.hex()}")
    # Verify what we were given, decoded on its own, not our own copy.
    item = cbor2.loads(got)
    assert isinstance(item, cbor2.CBORTag) and item.tag == 18
    protected, unprotected, payload, signature = item.value
    assert protected == PROTECTED and set(unprotected) == {4}
    to_sign = cbor2.dumps(["Signature1", protected, b"", payload], canonical=True)
    try:
        nacl.signing.SigningKey(SEED).verify_key.verify(to_sign, signature)
    except nacl.exceptions.BadSignatureError:
        sys.exit("signature does not verify")
    print("ok: C output equals the independent vector and verifies")


def main(argv):
    if len(argv) == 3 and argv[1] == "--check":
        check(argv[2])
    elif len(argv) == 3 and argv[1] == "--tool":
        out = subprocess.run([argv[2]], check=True, capture_output=True, text=True).stdout
        check(out)
    elif len(argv) == 1:
        print(vector().hex())
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
