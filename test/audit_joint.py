#!/usr/bin/python3
"""valgkit audit on the joint KV + RV night: passes, and a tampered RV count is caught and named.

Runs `valgkit demo --data kv2025/Læsø --rv rv2025/Region_Nordjylland` (the joint night of the
smallest municipality), then `valgkit audit` on what it wrote: every check passes, the RV
contest's own checks (A9 RV, A11 RV) among them. Then the fintælling table that counted the RV
ballots, holding its own key, signs off the RV count again with one vote moved between two
candidates of two lists (the arithmetic still adds up): the audit must fail, and the failures
must name the RV contest (D20 "fintælling (RV)" in A8, and A11 RV), while the KV checks hold.
The region can verify the municipality's signed RV result (rv/resultat.vkr) with the election
key, and refuses it with one byte changed.
"""

import copy
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

import cbor2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "interop"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from key_decrypt import open_key  # noqa: E402
from audit_tamper import split  # noqa: E402
from demo_official import lots_for  # noqa: E402

VALGKIT = os.environ["VALGKIT"]
DATA = os.environ.get("VK_DATA_DIR", "")
KV = os.path.join(DATA, "Læsø")
RV = os.path.join(os.path.dirname(os.path.abspath(DATA)), "rv2025", "Region_Nordjylland") if DATA else ""
PASSPHRASE = "audit-joint"
failures = 0
n = 0


def check(name, ok, detail=""):
    global failures, n
    n += 1
    print(("ok" if ok else "not ok"), n, "-", name)
    if not ok:
        failures += 1
        for line in detail.splitlines()[-30:]:
            print("#", line)


def failed_checks(out):
    return [" ".join(line.split()[:2]) if len(line.split()) > 1 and line.split()[1] == "RV" else line.split()[0]
            for line in out.splitlines() if line.rstrip().endswith("FAILED") and line.startswith("A")]


def move_one_vote(counts, election_lists):
    """One personal vote moved from a candidate of one list to a candidate of another, list totals
    following: every sum still adds up."""
    c = copy.deepcopy(counts)
    lists = [lid for lid in c["lists"] if any(cid in c["candidates"] for cid in election_lists.get(lid, []))]
    src = next(lid for lid in lists if any(c["candidates"].get(cid, 0) > 0 for cid in election_lists[lid]))
    dst = next(lid for lid in lists if lid != src)
    cs = next(cid for cid in election_lists[src] if c["candidates"].get(cid, 0) > 0)
    cd = next(cid for cid in election_lists[dst] if cid in c["candidates"])
    c["candidates"][cs] -= 1
    c["candidates"][cd] += 1
    c["lists"][src] -= 1
    c["lists"][dst] += 1
    return c


def main():
    if not os.path.isdir(KV) or not os.path.isdir(RV):
        print("1..0 # SKIP KV2025/RV2025 data not present")
        return 0
    tmp = tempfile.mkdtemp(prefix="valgkit-audit-joint-")
    try:
        env = dict(os.environ, VALGKIT_PASSPHRASE=PASSPHRASE)
        with open(os.path.join(KV, "mandatfordeling.json"), encoding="utf-8") as f:
            import json
            official = json.load(f)
        lots = lots_for(KV, official, len(official["ListeMandater"]), tmp)
        out = os.path.join(tmp, "d")
        args = [VALGKIT, "demo", "--data", KV, "--rv", RV, "--out", out] + (["--lots", lots] if lots else [])
        demo = subprocess.run(args, capture_output=True, text=True, env=env)
        check("joint demo runs", demo.returncode == 0, demo.stdout[-3000:] + demo.stderr)
        if demo.returncode != 0:
            return 1
        pkg = os.path.join(out, "election.vkp")
        journals = os.path.join(out, "journals")

        lots_args = ["--lots", lots] if lots else []
        r = subprocess.run([VALGKIT, "audit", "--election", pkg, "--journals", journals] + lots_args,
                           capture_output=True, text=True)
        check("the joint election passes every check, the RV contest's own among them",
              r.returncode == 0 and "A9 RV" in r.stdout and "A11 RV" in r.stdout, r.stdout + r.stderr)

        # The fintælling table's journal holding the RV sign-off.
        table = None
        for name in sorted(os.listdir(journals)):
            if not name.startswith("fintaelling"):
                continue
            for raw in split(open(os.path.join(journals, name), "rb").read()):
                entry = cbor2.loads(cbor2.loads(raw).value[2])
                if entry[6] == "tally.signoff" and entry[7].get("contest") == "RV":
                    table = name
        check("a fintælling table signed off an RV count", table is not None)
        if table is None:
            return 1
        key = open_key(os.path.join(out, "keys", table[:-len(".vkj")] + ".key"), PASSPHRASE)

        with open(os.path.join(RV, "kandidat-data.json"), encoding="utf-8") as f:
            kd = json.load(f)
        election_lists = {l["KandidatlisteId"]: [c["Id"] for c in l["Kandidater"]] for l in kd["Kandidatlister"]}

        tampered = os.path.join(tmp, "j-tampered")
        shutil.copytree(journals, tampered)
        path = os.path.join(tampered, table)
        items = split(open(path, "rb").read())
        last = cbor2.loads(items[-1])
        prot, unprot, payload, _ = last.value
        last_entry = cbor2.loads(payload)
        signoff = None
        for raw in items:
            entry = cbor2.loads(cbor2.loads(raw).value[2])
            if entry[6] == "tally.signoff" and entry[7].get("contest") == "RV":
                signoff = entry
        body = dict(signoff[7])
        body["counts"] = move_one_vote(signoff[7]["counts"], election_lists)
        new_entry = [1, last_entry[1], last_entry[2], last_entry[3] + 1, hashlib.sha256(payload).digest(),
                     last_entry[5] + 60000, "tally.signoff", body]
        new_payload = cbor2.dumps(new_entry, canonical=True)
        sig = key.sign(cbor2.dumps(["Signature1", prot, b"", new_payload], canonical=True)).signature
        items.append(cbor2.dumps(cbor2.CBORTag(18, [prot, unprot, new_payload, sig]), canonical=True))
        open(path, "wb").write(b"".join(items))

        r = subprocess.run([VALGKIT, "audit", "--election", pkg, "--journals", tampered] + lots_args,
                           capture_output=True, text=True)
        got = failed_checks(r.stdout)
        check("an RV count signed off again with other numbers → A8 and A11 RV fail", r.returncode == 1
              and "A8" in got and "A11 RV" in got, "exit %d, failed %s\n%s" % (r.returncode, got, r.stdout))
        check("… the finding names the RV contest", "fintælling (RV)" in r.stdout, r.stdout)
        check("… and the KV contest's checks still hold", "A9" not in got and "A11" not in got and "A10" not in got,
              "failed %s" % got)

        # The region verifies the signed municipality result with the election key.
        vkr = os.path.join(out, "rv", "resultat.vkr")
        with open(os.path.join(out, "keys", "election.pub"), encoding="utf-8") as f:
            pub = f.read().splitlines()[1]
        trust = os.path.join(tmp, "trust.txt")
        with open(trust, "w", encoding="utf-8") as f:
            f.write("825 %s Læsø\n" % pub)
        region_args = [VALGKIT, "region", "--kandidatdata", os.path.join(RV, "kandidat-data.json"), "--seats", "25",
                       "--trust", trust, "--out"]
        r = subprocess.run(region_args + [os.path.join(tmp, "region.json"), vkr], capture_output=True, text=True)
        check("the region verifies the municipality's signed RV result", r.returncode in (0, 3), r.stdout + r.stderr)
        bad = os.path.join(tmp, "bad.vkr")
        data = bytearray(open(vkr, "rb").read())
        data[len(data) // 3] ^= 0x01
        open(bad, "wb").write(bytes(data))
        r = subprocess.run(region_args + [os.path.join(tmp, "bad.json"), bad], capture_output=True, text=True)
        check("… and refuses it with one byte changed, naming the file",
              r.returncode in (1, 2) and "bad.vkr" in r.stderr and not os.path.exists(os.path.join(tmp, "bad.json")),
              r.stdout + r.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % n)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
