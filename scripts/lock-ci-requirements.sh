#!/usr/bin/env bash
# Regenerate requirements-ci.txt, the hashed lock the generated workflows install.
# pip resolves pdpkit[all] + pulumi-policy + setuptools against PyPI only (no local
# indexes or constraints), for this machine's Python (use CPython 3.11 on Linux x86_64, the
# workflows' platform), and its --report names each chosen wheel with its sha256.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
policy="$(grep -E '^pulumi-policy==' policy/requirements.txt)"
PIP_CONFIG_FILE=/dev/null "$python" -m pip install --isolated --dry-run --ignore-installed \
  --quiet --index-url https://pypi.org/simple --report "$work/report.json" \
  ".[all]" "$policy" "setuptools==80.9.0"
"$python" - "$work/report.json" > requirements-ci.txt <<'PY'
import json
import sys

report = json.load(open(sys.argv[1]))
print("""# The hashed lock of what the generated workflows install: pdpkit[all]'s dependencies (the
# pins in pyproject.toml and their closure), pulumi-policy (the CrossGuard pack) and
# setuptools (pdpkit's build backend, installed with --no-build-isolation). Installed with
# `pip install --require-hashes --no-deps -r requirements-ci.txt`: a file whose hash is not
# listed here is refused. The hashes are of the wheels PyPI serves for CPython 3.11 on Linux
# x86_64 (the Python the workflows set up); runners of another platform need their wheels'
# hashes added. Regenerate after a bump with scripts/lock-ci-requirements.sh.""")
for item in sorted(report["install"], key=lambda i: i["metadata"]["name"].lower()):
    name, version = item["metadata"]["name"], item["metadata"]["version"]
    if name == "pdpkit":
        continue
    digest = item["download_info"]["archive_info"]["hashes"]["sha256"]
    print(f"{name}=={version} \\\n    --hash=sha256:{digest}")
PY
