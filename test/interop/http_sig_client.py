#!/usr/bin/env python3
"""An independent RFC 9421 client for valgkit's API (docs/api.md, Authentication).

Written from RFC 9421 (HTTP Message Signatures), RFC 9530 (Content-Digest)
and docs/api.md alone, with PyNaCl and the standard library: it signs a
request with an enrolled device's Ed25519 key, read from its encrypted key
file by key_decrypt.open_key() (docs/key-format.md), and prints the HTTP
status on the first line of stdout, then the body's length and its SHA-256.

    http_sig_client.py --key bord-a.key --device bord-a URL
    http_sig_client.py --key bord-a.key --device bord-a --post FILE URL

The passphrase comes from $VALGKIT_PASSPHRASE.
"""
import argparse
import base64
import hashlib
import http.client
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from key_decrypt import open_key  # noqa: E402


def authority(parts):
    """@authority (RFC 9421 §2.2.3): host[:port] in lower case, default port left out."""
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = 443 if parts.scheme == "https" else 80
    if parts.port is None or parts.port == default:
        return host
    return f"{host}:{parts.port}"


def sign(method, url, device, signing_key, body=None):
    """The headers to add: Signature-Input, Signature (and Content-Digest with a body)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path or "/"
    headers = {}
    components = ['"@method"', '"@path"', '"@query"', '"@authority"']
    lines = [
        f'"@method": {method}',
        f'"@path": {path}',
        f'"@query": ?{parts.query}',  # §2.2.7: "?" alone without a query
        f'"@authority": {authority(parts)}',
    ]
    if body is not None:
        digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
        headers["Content-Digest"] = digest
        components.append('"content-digest"')
        lines.append(f'"content-digest": {digest}')
    nonce = base64.urlsafe_b64encode(os.urandom(18)).decode()
    params = f'({" ".join(components)});created={int(time.time())};nonce="{nonce}";keyid="{device}";alg="ed25519"'
    lines.append(f'"@signature-params": {params}')
    base = "\n".join(lines).encode()  # §2.5: no newline after the last line
    signature = signing_key.sign(base).signature
    headers["Signature-Input"] = f"vk={params}"
    headers["Signature"] = "vk=:" + base64.b64encode(signature).decode() + ":"
    return headers


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--key", required=True)
    ap.add_argument("--device", required=True)
    ap.add_argument("--post", help="POST this file as application/cbor-seq")
    ap.add_argument("url")
    args = ap.parse_args()

    signing_key = open_key(args.key, os.environ.get("VALGKIT_PASSPHRASE", ""))
    body = None
    method = "GET"
    if args.post:
        with open(args.post, "rb") as f:
            body = f.read()
        method = "POST"
    headers = sign(method, args.url, args.device, signing_key, body)
    if body is not None:
        headers["Content-Type"] = "application/cbor-seq"
    parts = urllib.parse.urlsplit(args.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn.request(method, target, body=body, headers=headers)
    answer = conn.getresponse()
    data = answer.read()
    print(answer.status)
    print(len(data), hashlib.sha256(data).hexdigest())
    return 0


if __name__ == "__main__":
    sys.exit(main())
