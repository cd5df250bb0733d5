#!/usr/bin/env bash
# Hyper-V Replica between two `wmilab serve` hosts on loopback: initial replication of a 1 GiB disk against
# `cp` + sync of a 1 GiB file in the same run (goal: at least 60 % of cp), with compression on and off, then a
# delta cycle after changing 1 % of the blocks (goal: at most 1.05x the changed bytes shipped). The work is done
# by Benchmarks/replica.py through pypsrp, as Tests/Interop/multihost.py drives a lab.
# Usage: CONFIG=release bash Benchmarks/replica.sh   (SIZE_MIB=1024, TIME_SCALE=2 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-release}
BIN=.build/$CONFIG/wmilab
[ -x "$BIN" ] || swift build -c "$CONFIG" --product wmilab >/dev/null
exec python3 Benchmarks/replica.py --bin "$BIN" --size-mib "${SIZE_MIB:-1024}" --time-scale "${TIME_SCALE:-2}"
