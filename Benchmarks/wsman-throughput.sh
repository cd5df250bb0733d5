#!/usr/bin/env bash
# WS-Man throughput: Identify and a Get of Msvm_ReplicationService on 1, 16 and 64 keep-alive connections
# (wrk + Lua), against nginx serving the very same response bytes as a static file, measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${WMILAB_BIN:-.build/${CONFIG:-release}/wmilab}
DURATION=${DURATION:-5}
work=$(mktemp -d)
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WPORT=$(port); NPORT=$(port)
"$BIN" serve --listen 127.0.0.1:$WPORT --data "$work/data" --log-level error >"$work/wmilab.log" 2>&1 &
echo $! >"$work/wmilab.pid"
AUTH="Authorization: Basic $(printf 'labuser:LabPass1!' | base64)"
CT="Content-Type: application/soap+xml;charset=UTF-8"
IDENTIFY='<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>'
for _ in $(seq 100); do curl -sf -o /dev/null -H "$AUTH" -H "$CT" --data "$IDENTIFY" "http://127.0.0.1:$WPORT/wsman" && break; sleep 0.2; done

RS=http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_ReplicationService
HOST=WMILAB-HV01  # the default --host-name
GET="<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\"><s:Header><a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action><a:MessageID>uuid:0A1B2C3D-0000-0000-0000-000000000001</a:MessageID><w:ResourceURI>$RS</w:ResourceURI><w:SelectorSet><w:Selector Name=\"CreationClassName\">Msvm_ReplicationService</w:Selector><w:Selector Name=\"Name\">replicasvc</w:Selector><w:Selector Name=\"SystemCreationClassName\">Msvm_ComputerSystem</w:Selector><w:Selector Name=\"SystemName\">$HOST</w:Selector></w:SelectorSet></s:Header><s:Body/></s:Envelope>"

mkdir -p "$work/www"
curl -sf -H "$AUTH" -H "$CT" --data "$IDENTIFY" "http://127.0.0.1:$WPORT/wsman" >"$work/www/identify"
curl -sf -H "$AUTH" -H "$CT" --data "$GET" "http://127.0.0.1:$WPORT/wsman" >"$work/www/get" \
  || { echo "Get failed: the lab's replication service is not where the benchmark expects it"; exit 1; }

cat >"$work/nginx.conf" <<NGINX
worker_processes 2; pid $work/nginx.pid; error_log $work/nginx-error.log; daemon on;
events { worker_connections 1024; }
http {
  access_log off; default_type application/soap+xml; keepalive_requests 1000000;
  server { listen 127.0.0.1:$NPORT; root $work/www; error_page 405 =200 \$uri; }
}
NGINX
nginx -c "$work/nginx.conf"

lua() { # $1 = body file
  cat <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/soap+xml;charset=UTF-8"
wrk.headers["Authorization"] = "Basic bGFidXNlcjpMYWJQYXNzMSE="
local f = io.open("$1", "rb"); wrk.body = f:read("*a"); f:close()
LUA
}
printf '%s' "$IDENTIFY" >"$work/identify.req"; printf '%s' "$GET" >"$work/get.req"
lua "$work/identify.req" >"$work/identify.lua"; lua "$work/get.req" >"$work/get.lua"

# CPU time (user + system, in clock ticks) of the processes listed, from /proc.
ticks() { for pid in "$@"; do awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null; done | awk '{t += $1} END {print t + 0}'; }
HZ=$(getconf CLK_TCK)

run() { # url script connections pid... -> "rps p50 p99 server-µs-per-request"
  local url=$1 script=$2 conns=$3; shift 3
  local before; before=$(ticks "$@")
  wrk -t"$(( conns < 2 ? 1 : 2 ))" -c"$conns" -d"${DURATION}s" --latency -s "$script" "$url" 2>/dev/null | awk '
    /requests in/ {n=$1} /Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} END {print n, rps, p50, p99}' |
    { read -r n rps p50 p99; echo "$rps $p50 $p99 $(( n ? ($(ticks "$@") - before) * 1000000 / HZ / n : 0 ))"; }
}
# The machine's speed drifts between runs (other load, a shared host), so each pair is measured ROUNDS times,
# wmilab and nginx alternating, and the ratio reported is the median of the rounds' ratios.
ROUNDS=${ROUNDS:-3}  # OPS="get" CONNECTIONS="16" narrow the run to some cells of the table
# "cpu" is the server's CPU time per request in µs (nginx: master and workers), measured over the same wrk run.
NGINX_PIDS="$(cat "$work/nginx.pid") $(pgrep -P "$(cat "$work/nginx.pid")" | tr '\n' ' ')"
WMILAB_PID=$(cat "$work/wmilab.pid")
printf '%-9s %5s | %12s %9s %9s %5s | %12s %9s %9s %5s | %6s\n' op conns "wmilab rps" p50 p99 cpu "nginx rps" p50 p99 cpu \
  ratio
summary=""
for op in ${OPS:-identify get}; do
  for c in ${CONNECTIONS:-1 16 64}; do
    ratios=""
    for _ in $(seq "$ROUNDS"); do
      read -r wr wp50 wp99 wcpu <<<"$(run "http://127.0.0.1:$WPORT/wsman" "$work/$op.lua" "$c" "$WMILAB_PID")"
      # shellcheck disable=SC2086 # one pid per word
      read -r nr np50 np99 ncpu <<<"$(run "http://127.0.0.1:$NPORT/$op" "$work/$op.lua" "$c" $NGINX_PIDS)"
      ratio=$(python3 -c "print(f'{$wr/$nr:.2f}' if $nr else 0)")
      ratios="$ratios $ratio"
      printf '%-9s %5s | %12s %9s %9s %5s | %12s %9s %9s %5s | %6s\n' "$op" "$c" "$wr" "$wp50" "$wp99" "$wcpu" \
        "$nr" "$np50" "$np99" "$ncpu" "$ratio"
    done
    summary="$summary$(python3 -c "import statistics as s; r=[float(x) for x in '$ratios'.split()]; \
print(f'$op $c connections: median ratio {s.median(r):.2f} (rounds: {min(r):.2f}-{max(r):.2f})')")
"
  done
done
printf '\nwmilab / nginx, median of %s rounds:\n%s' "$ROUNDS" "$summary"
