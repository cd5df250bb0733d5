#!/usr/bin/env bash
# Times `wmilab mof check` on the DMTF CIM 2.49 schema against pywbem's MOF compiler, in the same run.
# Prints both wall times, both peak memories (RSS) and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG="${CONFIG:-release}"
BIN=".build/$CONFIG/wmilab"
DIR="../shared/data/dmtf-cim-schema/cim_schema_2.49.0"
TOP="$DIR/cim_schema_2.49.0.mof"
[ -x "$BIN" ] || swift build -c "$CONFIG" --product wmilab

measure() { # prints "seconds kilobytes"
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
start = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if rc != 0:
    sys.exit(f"command failed ({rc}): {' '.join(sys.argv[1:])}")
print(f"{wall:.3f} {peak}")
PY
}

read -r swift_s swift_kb < <(measure "$BIN" mof check "$TOP")
read -r py_s py_kb < <(measure python3 -c "
import sys, pywbem_mock
conn = pywbem_mock.FakedWBEMConnection()
conn.compile_mof_file(sys.argv[1], namespace='root/cimv2', search_paths=[sys.argv[2]])
" "$TOP" "$DIR")

python3 - "$swift_s" "$swift_kb" "$py_s" "$py_kb" <<'PY'
import sys
s, skb, p, pkb = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print(f"wmilab mof check : {s:8.3f} s  {skb / 1024:8.1f} MB peak RSS")
print(f"pywbem           : {p:8.3f} s  {pkb / 1024:8.1f} MB peak RSS")
print(f"speed-up {p / s:.1f}x, memory ratio {pkb / skb:.1f}x (goal: <0.3 s, <60 MB, >=50x)")
PY
