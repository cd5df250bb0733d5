#!/usr/bin/env bash
# Installs what a wmilab make target needs, only when it is missing.
#   scripts/install-deps.sh build   C libraries the Swift targets link
#   scripts/install-deps.sh test    + the real WS-Man clients the interop tests drive
#   scripts/install-deps.sh bench   + the references the benchmarks measure against
set -euo pipefail

want_apt=(pkg-config libxml2-dev libssl-dev libsqlite3-dev zlib1g-dev libdeflate-dev)
want_pip=()
case "${1:-build}" in
  build) ;;
  test)  want_apt+=(wsl uuid-runtime curl libxml2-utils openssl); want_pip+=(pytest pypsrp pywinrm) ;;
  bench) want_apt+=(wrk nginx-light curl time bc); want_pip+=(pywbem pypsrp) ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

missing_apt=()
for p in "${want_apt[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing_apt+=("$p")
done
if [ ${#missing_apt[@]} -gt 0 ]; then
  echo "installing apt packages: ${missing_apt[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing_apt[@]}" >/dev/null
fi

missing_pip=()
for p in "${want_pip[@]}"; do
  python3 -c "import importlib.util,sys; sys.exit(0 if importlib.util.find_spec('${p//-/_}'.replace('pywinrm','winrm')) else 1)" \
    2>/dev/null || missing_pip+=("$p")
done
if [ ${#missing_pip[@]} -gt 0 ]; then
  echo "installing python packages: ${missing_pip[*]}"
  python3 -m pip install -q "${missing_pip[@]}" 2>/dev/null \
    || python3 -m pip install -q --break-system-packages "${missing_pip[@]}"
fi
