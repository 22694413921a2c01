#!/bin/sh
# Runs a Python that can measure: $ATLAS_PYTHON when set; else the first of `python3` on PATH and
# Debian's /usr/bin/python3 (where `apt-get install python3-torch` puts PyTorch) that has PyTorch;
# else `python3`, whose harness says how to get PyTorch (--dry-run and --describe need none).
# `npm run measure` and the tests run the harness through this script: sh scripts/measure/python.sh ARGS
if [ -n "${ATLAS_PYTHON:-}" ]; then
  exec "$ATLAS_PYTHON" "$@"
fi
for py in python3 /usr/bin/python3; do
  if command -v "$py" >/dev/null 2>&1 &&
    "$py" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)" 2>/dev/null; then
    exec "$py" "$@"
  fi
done
exec python3 "$@"
