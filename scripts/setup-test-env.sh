#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, when it is missing: bubblewrap (the OS sandbox
# under test) and PostgreSQL (the server the postgres store is tested against; the tests start and stop
# their own throw-away cluster). Debian/Ubuntu with apt; run as root or with sudo. Idempotent and quick
# when everything is there.
set -euo pipefail

need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v git >/dev/null 2>&1 || need+=(git)
[ ${#need[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-test-env: please install ${need[*]} (no apt-get on this machine)" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup-test-env: need root to install ${need[*]}" >&2
    exit 1
  fi
fi
echo "setup-test-env: installing ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
