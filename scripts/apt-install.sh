#!/bin/sh
# Installs Debian packages where this user may: as root, or through passwordless sudo (never asking
# for a password). Used by .ci/run and by `npm test` (scripts/test.ts) for chromium.
# Exit 0: installed; 3: not allowed here (no apt-get, not root, no passwordless sudo); else apt-get's.
set -eu
command -v apt-get >/dev/null 2>&1 || exit 3
if [ "$(id -u)" = 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
else
  exit 3
fi
$as_root apt-get update -qq
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
