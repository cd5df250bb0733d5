#!/usr/bin/env bash
# Block store throughput against dd and cp of the same amount of data, in the same run.
# Usage: CONFIG=release bash Benchmarks/blockstore.sh   (SIZE_MIB=1024 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-release}
BIN=.build/$CONFIG/wmilab
SIZE_MIB=${SIZE_MIB:-1024}
[ -x "$BIN" ] || swift build -c "$CONFIG" --product wmilab >/dev/null
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wmilab-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
rate() { awk -v mib="$1" -v s="$2" 'BEGIN { printf "%.0f", mib / s }'; }
# Runs a command under /usr/bin/time when present, and records its peak RSS in KiB in $WORK/rss.
timed() {
  if [ -x /usr/bin/time ]; then /usr/bin/time -f %M -o "$WORK/rss" "$@"; else echo 0 >"$WORK/rss"; "$@"; fi
}
rss_mib() { awk '{ printf "%.1f", $1 / 1024 }' "$WORK/rss"; }

head -c $((SIZE_MIB << 20)) /dev/urandom >"$WORK/input"
sync

t0=$(now); dd if="$WORK/input" of="$WORK/dd.out" bs=1M conv=fsync status=none; t1=$(now)
dd_rate=$(rate "$SIZE_MIB" "$(echo "$t1 - $t0" | bc)")
t0=$(now); cp "$WORK/input" "$WORK/cp.out"; sync "$WORK/cp.out"; t1=$(now)
cp_rate=$(rate "$SIZE_MIB" "$(echo "$t1 - $t0" | bc)")
rm -f "$WORK/dd.out" "$WORK/cp.out"
echo "reference: dd ${dd_rate} MB/s, cp ${cp_rate} MB/s (${SIZE_MIB} MiB)"

"$BIN" disk create "$WORK/a" --size "${SIZE_MIB}MiB"
t0=$(now); timed "$BIN" disk write "$WORK/a" --offset 0 --from "$WORK/input"; t1=$(now)
echo "sequential write: $(rate "$SIZE_MIB" "$(echo "$t1 - $t0" | bc)") MB/s, max RSS $(rss_mib) MiB"
t0=$(now); timed "$BIN" disk read "$WORK/a" --offset 0 --length "${SIZE_MIB}MiB" --to "$WORK/readback"; t1=$(now)
echo "sequential read: $(rate "$SIZE_MIB" "$(echo "$t1 - $t0" | bc)") MB/s, max RSS $(rss_mib) MiB"
cmp -s "$WORK/input" "$WORK/readback" || { echo "read-back differs from the input" >&2; exit 1; }
rm -f "$WORK/readback"

p1=$("$BIN" disk snapshot "$WORK/a")
"$BIN" disk create "$WORK/b" --size "${SIZE_MIB}MiB"
t0=$(now)
# Producer piped into the applier, as the replication engine streams it over HTTP.
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f %M -o "$WORK/rss1" "$BIN" disk stream "$WORK/a" --point "$p1" --to - 2>/dev/null \
    | /usr/bin/time -f %M -o "$WORK/rss2" "$BIN" disk apply - "$WORK/b" 2>/dev/null
else
  echo 0 >"$WORK/rss1"; echo 0 >"$WORK/rss2"
  "$BIN" disk stream "$WORK/a" --point "$p1" --to - 2>/dev/null | "$BIN" disk apply - "$WORK/b" 2>/dev/null
fi
t1=$(now)
rss1=$(awk '{ printf "%.1f", $1 / 1024 }' "$WORK/rss1"); rss2=$(awk '{ printf "%.1f", $1 / 1024 }' "$WORK/rss2")
full_rate=$(rate "$SIZE_MIB" "$(echo "$t1 - $t0" | bc)")
echo "full stream + apply: ${full_rate} MB/s ($(awk -v a="$full_rate" -v b="$cp_rate" 'BEGIN { printf "%.0f", 100 * a / b }')% of cp), max RSS producer ${rss1} MiB, applier ${rss2} MiB"
[ "$("$BIN" disk digest "$WORK/a" --point "$p1")" = "$("$BIN" disk digest "$WORK/b")" ] || { echo "digests differ" >&2; exit 1; }

# Delta: change 1% of the blocks (64 KiB each), stream since the point, apply.
blocks=$((SIZE_MIB * 16)); changes=$((blocks / 100))
head -c 65536 /dev/urandom >"$WORK/block"
for i in $(seq 1 "$changes"); do echo $(( (i * 7919) % blocks )); done | sort -un >"$WORK/changed"
changed=$(wc -l <"$WORK/changed")
while read -r n; do "$BIN" disk write "$WORK/a" --offset $((n * 65536)) --from "$WORK/block"; done <"$WORK/changed"
p2=$("$BIN" disk snapshot "$WORK/a")
"$BIN" disk stream "$WORK/a" --since "$p1" --point "$p2" --to "$WORK/delta.stream" 2>/dev/null
"$BIN" disk apply "$WORK/delta.stream" "$WORK/b" 2>/dev/null
shipped=$(stat -c %s "$WORK/delta.stream")
changed_bytes=$((changed * 65536))
echo "delta after changing $changed blocks: shipped $shipped bytes for $changed_bytes changed bytes" \
  "($(awk -v s="$shipped" -v c="$changed_bytes" 'BEGIN { printf "%.4f", s / c }')x)"
[ "$("$BIN" disk digest "$WORK/a")" = "$("$BIN" disk digest "$WORK/b")" ] || { echo "digests differ after delta" >&2; exit 1; }
