#!/usr/bin/python3
# key_decrypt.py: opens a valgkit secret key file with PyNaCl alone,
# following docs/key-format.md and nothing else.
#
# Copyright 2026 The valgkit authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: VALGKIT_PASSPHRASE=... /usr/bin/python3 key_decrypt.py FILE.key
# Prints the public key (64 lower-case hex digits), derived from the
# decrypted seed, and exits 0; on any problem prints why to stderr and
# exits 1.  Optional: --sign HEX prints, on a second line, the Ed25519
# signature of the message HEX made with the decrypted seed.

import base64
import hashlib
import os
import struct
import sys

import nacl.bindings
import nacl.exceptions
import nacl.pwhash.argon2id
import nacl.signing


def fail(msg):
    print(f"key_decrypt.py: {msg}", file=sys.stderr)
    sys.exit(1)


def open_key(path, passphrase):
    """The key file's Ed25519 signing key (fails with a message on any problem)."""
    with open(path, "rb") as f:
        text = f.read()
    # Four lines, each ending in LF, UTF-8.
    lines = text.split(b"\n")
    if len(lines) != 5 or lines[4] != b"":
        fail(f"{path}: expected exactly 4 LF-terminated lines")
    comment, data, role_line, device_line = lines[:4]
    if not comment.startswith(b"untrusted comment: "):
        fail(f"{path}: line 1 is not an untrusted comment")
    if not role_line.startswith(b"role: ") or not device_line.startswith(b"device: "):
        fail(f"{path}: lines 3 and 4 must be 'role: ' and 'device: '")
    role = role_line[len(b"role: "):]
    device = device_line[len(b"device: "):]

    blob = base64.b64decode(data, validate=True)
    if len(blob) != 153:
        fail(f"{path}: binary part is {len(blob)} bytes, expected 153")
    magic, version, alg, kdf, key_id, opslimit, memlimit = struct.unpack_from("<4sB2s2s8sQQ", blob, 0)
    salt = blob[33:49]
    nonce = blob[49:73]
    header = blob[:73]
    ciphertext = blob[73:153]
    if magic != b"VKSK" or version != 1 or alg != b"Ed" or kdf != b"A2":
        fail(f"{path}: not a version 1 valgkit Ed25519/Argon2id key")

    key = nacl.pwhash.argon2id.kdf(32, passphrase.encode("utf-8"), salt, opslimit=opslimit, memlimit=memlimit)
    aad = header + role + b"\0" + device + b"\0"
    try:
        plaintext = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(ciphertext, aad, nonce, key)
    except nacl.exceptions.CryptoError:
        fail(f"{path}: wrong passphrase or altered file")

    seed, stored_public_key = plaintext[:32], plaintext[32:]
    signing_key = nacl.signing.SigningKey(seed)
    public_key = bytes(signing_key.verify_key)
    if public_key != stored_public_key:
        fail(f"{path}: stored public key does not match the seed")
    if hashlib.sha256(public_key).digest()[:8] != key_id:
        fail(f"{path}: key id does not match the public key")

    return signing_key


def main():
    args = sys.argv[1:]
    sign_hex = None
    if len(args) == 3 and args[1] == "--sign":
        sign_hex = args[2]
        args = args[:1]
    if len(args) != 1:
        fail("usage: key_decrypt.py FILE.key [--sign HEX]")
    path = args[0]
    passphrase = os.environ.get("VALGKIT_PASSPHRASE")
    if not passphrase:
        fail("set VALGKIT_PASSPHRASE")

    signing_key = open_key(path, passphrase)
    public_key = bytes(signing_key.verify_key)
    print(public_key.hex())
    if sign_hex is not None:
        print(signing_key.sign(bytes.fromhex(sign_hex)).signature.hex())


if __name__ == "__main__":
    main()
