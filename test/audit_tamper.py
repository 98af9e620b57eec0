#!/usr/bin/python3
"""valgkit audit: a whole demo election passes, and each kind of tampering is caught and named.

Runs `valgkit demo` (the synthetic Prøvekommune), then `valgkit audit` on its output, then
on tampered copies: one entry changed, one dropped, two reordered, a whole journal deleted,
a journal swapped for an older copy, a journal re-signed with a key not enrolled, one
character of the result sheet's QR changed. Each must exit 1 with the expected check FAILED.
"""

import io
import os
import shutil
import subprocess
import sys
import tempfile

import cbor2
import nacl.signing

VALGKIT = os.environ["VALGKIT"]
failures = 0
n = 0


def run(*args, env=None):
    return subprocess.run([VALGKIT, *args], capture_output=True, text=True, env=env)


def split(data):
    stream = io.BytesIO(data)
    items = []
    while stream.tell() < len(data):
        start = stream.tell()
        cbor2.CBORDecoder(stream).decode()
        items.append(data[start:stream.tell()])
    return items


def check(name, ok, detail=""):
    global failures, n
    n += 1
    print(("ok" if ok else "not ok"), n, "-", name, ("# " + detail) if detail and not ok else "")
    if not ok:
        failures += 1


def audit(pkg, journals, qr=None, sheet=None):
    args = ["audit", "--election", pkg, "--journals", journals]
    if sheet:
        args += ["--sheet", sheet]
    for t in qr or []:
        args += ["--qr", t]
    return run(*args)


def failed_checks(out):
    return [line.split()[0] for line in out.splitlines() if line.rstrip().endswith("FAILED") and line[:1] == "A"]


def main():
    tmp = tempfile.mkdtemp(prefix="valgkit-audit-")
    try:
        env = dict(os.environ, VALGKIT_PASSPHRASE="audit-test")
        demo = subprocess.run([VALGKIT, "demo", "--out", os.path.join(tmp, "d")], capture_output=True, text=True,
                              env=env)
        check("demo runs", demo.returncode == 0, demo.stdout[-2000:] + demo.stderr)
        if demo.returncode != 0:
            return 1
        d = os.path.join(tmp, "d")
        pkg = os.path.join(d, "election.vkp")
        journals = os.path.join(d, "journals")
        sheet = os.path.join(d, "pdf", "resultat-fintaelling-kommune.pdf")

        r = audit(pkg, journals, sheet=sheet)
        check("untouched election passes every check", r.returncode == 0 and "All 12 checks passed" in r.stdout,
              r.stdout + r.stderr)

        # The QR texts, as zbarimg reads them.
        png = os.path.join(tmp, "sheet")
        subprocess.run(["pdftoppm", "-r", "150", "-png", sheet, png], check=True, capture_output=True)
        pages = sorted(f for f in os.listdir(tmp) if f.startswith("sheet"))
        qr = []
        for p in pages:
            z = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", os.path.join(tmp, p)], capture_output=True, text=True)
            qr += [t for t in z.stdout.splitlines() if t.strip()]
        check("the sheet has a QR code", len(qr) >= 1)
        r = audit(pkg, journals, qr=qr)
        check("the QR given as text passes", len(qr) >= 1 and r.returncode == 0 and "A12" in r.stdout, r.stdout)

        station = sorted(f for f in os.listdir(journals) if f.startswith("omr01-bord1"))[0]

        def tampered(name, mutate, expect):
            copy = os.path.join(tmp, "j-" + name.replace(" ", "-"))
            shutil.copytree(journals, copy)
            mutate(copy)
            r = audit(pkg, copy, qr=qr)
            got = failed_checks(r.stdout)
            check(name + " → " + "/".join(expect), r.returncode == 1 and all(e in got for e in expect),
                  "exit %d, failed %s\n%s" % (r.returncode, got, r.stdout))

        def change_entry(copy):
            path = os.path.join(copy, station)
            items = split(open(path, "rb").read())
            mid = bytearray(items[len(items) // 2])
            mid[len(mid) // 3] ^= 0x01
            items[len(items) // 2] = bytes(mid)
            open(path, "wb").write(b"".join(items))

        def drop_last(copy):
            path = os.path.join(copy, station)
            items = split(open(path, "rb").read())
            open(path, "wb").write(b"".join(items[:-1]))

        def drop_middle(copy):
            path = os.path.join(copy, station)
            items = split(open(path, "rb").read())
            del items[len(items) // 2]
            open(path, "wb").write(b"".join(items))

        def reorder(copy):
            path = os.path.join(copy, station)
            items = split(open(path, "rb").read())
            items[3], items[4] = items[4], items[3]
            open(path, "wb").write(b"".join(items))

        def delete(copy):
            os.unlink(os.path.join(copy, station))

        def older(copy):
            path = os.path.join(copy, station)
            items = split(open(path, "rb").read())
            open(path, "wb").write(b"".join(items[: len(items) // 2]))

        def resign(copy):
            # Every entry signed again with a key that is not enrolled (kid
            # and signature replaced, payload kept).
            path = os.path.join(copy, station)
            sk = nacl.signing.SigningKey(bytes(range(32)))
            import hashlib
            kid = hashlib.sha256(bytes(sk.verify_key)).digest()[:8]
            out = b""
            for raw in split(open(path, "rb").read()):
                tag = cbor2.loads(raw)
                prot, _, payload, _ = tag.value
                sig = sk.sign(cbor2.dumps(["Signature1", prot, b"", payload], canonical=True)).signature
                out += cbor2.dumps(cbor2.CBORTag(18, [prot, {4: kid}, payload, sig]), canonical=True)
            open(path, "wb").write(out)

        tampered("one entry changed", change_entry, ["A4"])
        tampered("last entry dropped", drop_last, ["A6"])
        tampered("an entry in the middle dropped", drop_middle, ["A4"])
        tampered("two entries reordered", reorder, ["A4"])
        tampered("a whole journal deleted", delete, ["A6"])
        tampered("a journal swapped for an older copy", older, ["A6"])
        tampered("a journal re-signed with a key not enrolled", resign, ["A4"])

        # One character of the QR changed: the signature no longer holds.
        bad = list(qr)
        t = bad[0]
        i = len(t) // 2
        bad[0] = t[:i] + ("A" if t[i] != "A" else "B") + t[i + 1:]
        r = audit(pkg, journals, qr=bad)
        check("one character of the sheet's QR changed → A12", r.returncode == 1 and "A12" in failed_checks(r.stdout),
              r.stdout)
        # A sheet of another election.
        r = audit(pkg, journals, qr=["VK1:1/1:0000"])
        check("garbage QR → A12", r.returncode == 1 and "A12" in failed_checks(r.stdout), r.stdout)
        # valgkit print on a copy of the count database: the same sheets again,
        # which the audit accepts (the new result.published is in the server's
        # journal, exported afresh by the audit's input below).
        db = os.path.join(tmp, "count-copy.db")
        shutil.copy(os.path.join(d, "count.db"), db)
        printed = os.path.join(tmp, "printed")
        r = run("print", "results", "--db", db, "--election", pkg, "--key", os.path.join(d, "keys", "taelleserver.key"),
                "--out", printed, "--test", env=env)
        files = r.stdout.split()
        check("valgkit print results writes the sheets", r.returncode == 0 and any(
            f.endswith("resultat-fintaelling-kommune.pdf") for f in files) and any(
            f.endswith("mandatfordeling.json") for f in files) and all(os.path.exists(f) for f in files),
            r.stdout + r.stderr)
        text = subprocess.run(["pdftotext", os.path.join(printed, "resultat-fintaelling-kommune.pdf"), "-"],
                              capture_output=True, text=True).stdout
        check("the printed sheet names the municipality and says PRØVEVALG",
              "Prøvekommune" in text and "PRØVEVALG" in text, text[:500])
        r = run("print", "discrepancies", "--db", db, "--election", pkg, "--out", printed)
        check("valgkit print discrepancies", r.returncode == 0 and os.path.exists(
            os.path.join(printed, "uoverensstemmelser.pdf")), r.stderr)
        r = run("print", "results", "--db", db, "--election", pkg, "--out", printed)
        check("valgkit print results without --key is a usage error", r.returncode == 2, r.stderr)

        # A package that is not the one signed.
        r = run("audit", "--election", os.path.join(d, "count.db"), "--journals", journals)
        check("not a package → A1", r.returncode == 1 and "A1" in failed_checks(r.stdout), r.stdout + r.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % n)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
