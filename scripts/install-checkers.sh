#!/usr/bin/env bash
# checkov pins libraries that clash with the Pulumi SDK's, so it lives in a venv of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
CHECKOV_VERSION=3.3.30  # pinned here only; tests find it at .tools/checkov/bin/checkov
if ! .tools/checkov/bin/checkov --version 2>/dev/null | grep -qx "$CHECKOV_VERSION"; then
  echo "== installing checkov $CHECKOV_VERSION into .tools/checkov"
  python3 -m venv .tools/checkov
  .tools/checkov/bin/pip install -q --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi
