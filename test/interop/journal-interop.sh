#!/bin/sh
# Interop: valgkit's journals verify with an independent Python verifier
# (test/interop/journal_tool.py: cbor2 + nacl, written from
# docs/journal-format.md alone), and a journal written by that tool is
# accepted by `valgkit journal verify`.  Tampered copies fail both ways.
set -eu
VALGKIT=${VALGKIT:?VALGKIT must name the valgkit binary}
PY=${PYTHON3:-/usr/bin/python3}
TOOL="$(dirname "$0")/journal_tool.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export VALGKIT_PASSPHRASE=interop-test-passphrase

fail () { echo "FAIL: $*" >&2; exit 1; }

"$VALGKIT" demo --out "$tmp/demo" > "$tmp/demo.log" || { cat "$tmp/demo.log" >&2; fail "valgkit demo"; }
pkg="$tmp/demo/election.vkp"
"$VALGKIT" election devices "$pkg" --json > "$tmp/devices.json"
eid=$("$VALGKIT" election show "$pkg" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["election_id"])')

# 1. valgkit → Python.
set -- "$tmp"/demo/journals/*.vkj
[ "$#" -ge 2 ] || fail "the demo wrote fewer than two journals"
"$PY" "$TOOL" verify --election-id "$eid" --devices "$tmp/devices.json" "$@" || fail "python rejects valgkit's journals"
echo "ok 1 - python verifies $# valgkit journals"

# 2. A tampered valgkit journal fails in Python: one byte in the middle of the
#    first journal's last entry body changed.
first=$1
"$PY" - "$first" "$tmp/tampered.vkj" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
i = len(data) - 80          # inside the last entry's payload, before its signature
data[i] ^= 0x01
open(sys.argv[2], "wb").write(data)
PY
if "$PY" "$TOOL" verify --election-id "$eid" --devices "$tmp/devices.json" "$tmp/tampered.vkj" 2> "$tmp/err"; then
  fail "python accepts a tampered journal"
fi
echo "ok 2 - python rejects a tampered valgkit journal: $(cat "$tmp/err")"

# 3. Python → valgkit: a new device, enrolled with the election key.
seed=9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60
"$PY" "$TOOL" pub --seed "$seed" --role valgbord --device python-bord --out "$tmp/python.pub"
"$VALGKIT" enroll "$pkg" --key "$tmp/demo/keys/election.key" --device-key "$tmp/python.pub" --role valgbord --area 1 \
  > /dev/null || fail "enroll"
"$VALGKIT" election devices "$pkg" --json > "$tmp/devices.json"
"$PY" "$TOOL" write --seed "$seed" --device python-bord --election-id "$eid" --count 6 --out "$tmp/python.vkj"
"$VALGKIT" journal verify --election "$pkg" "$tmp/python.vkj" || fail "valgkit rejects the python journal"
echo "ok 3 - valgkit verifies a journal written by python"

# 4. ... and rejects it tampered, with exit status 1 and the entry named.
"$PY" - "$tmp/python.vkj" "$tmp/python-bad.vkj" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 0x40
open(sys.argv[2], "wb").write(data)
PY
set +e
"$VALGKIT" journal verify --election "$pkg" "$tmp/python-bad.vkj" 2> "$tmp/err2"
status=$?
set -e
[ "$status" -eq 1 ] || fail "valgkit journal verify exit status $status on a tampered journal (want 1)"
grep -q "entry" "$tmp/err2" || fail "the error does not name the entry: $(cat "$tmp/err2")"
echo "ok 4 - valgkit rejects the tampered python journal: $(cat "$tmp/err2")"

# 5. Python's verifier sees a fork between two files of one device.
"$PY" "$TOOL" write --seed "$seed" --device python-bord --election-id "$eid" --count 6 --time 1763452900000 \
  --out "$tmp/python-fork.vkj"
if "$PY" "$TOOL" verify --election-id "$eid" --devices "$tmp/devices.json" "$tmp/python.vkj" "$tmp/python-fork.vkj" \
  2> /dev/null; then
  fail "python verifier misses a fork"
fi
set +e
"$VALGKIT" journal verify --election "$pkg" "$tmp/python.vkj" "$tmp/python-fork.vkj" > /dev/null 2> "$tmp/err3"
status=$?
set -e
[ "$status" -eq 1 ] && grep -q FORK "$tmp/err3" || fail "valgkit misses the fork: $(cat "$tmp/err3")"
echo "ok 5 - both see the fork"
echo "1..5"
