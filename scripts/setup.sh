#!/usr/bin/env bash
# Installs what building and testing libcontract needs from Debian 12's
# packages, only when missing (safe to run again).  Run as root.
set -euo pipefail

PACKAGES=(build-essential cmake pkg-config lua5.4 liblua5.4-dev libcjson-dev libcriterion-dev python3 python3-venv)
PACKAGES+=("$@")

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
