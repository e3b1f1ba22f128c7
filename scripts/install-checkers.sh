#!/usr/bin/env bash
# checkov pins libraries that clash with the Pulumi SDK's, so it lives in a venv of its own,
# installed from a lock of its whole closure: scripts/checkov-requirements.txt (pins there only).
set -euo pipefail
cd "$(dirname "$0")/.."
LOCK=scripts/checkov-requirements.txt
CHECKOV_VERSION=$(sed -n 's/^checkov==//p' "$LOCK")
if ! .tools/checkov/bin/checkov --version 2>/dev/null | grep -qx "$CHECKOV_VERSION"; then
  echo "== installing checkov $CHECKOV_VERSION into .tools/checkov (from $LOCK)"
  python3 -m venv .tools/checkov
  .tools/checkov/bin/pip install -q --disable-pip-version-check --no-deps -r "$LOCK"
fi
