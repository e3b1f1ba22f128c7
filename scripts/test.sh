#!/usr/bin/env bash
# The project's checks, as CI runs them: lint, types, layers, tests.
# Works right after the README's Quickstart: it adds the dev extras (every cloud SDK, the
# linters, the independent checkers) to .venv when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
DEV_MODULES="pytest pulumi_policy kubernetes_validate pulumi_aws pulumi_gcp pulumi_azure_native"
if ! "$VENV/bin/python" -c "import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in sys.argv[1:]))" $DEV_MODULES; then
  echo "== installing the dev extras into $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -e '.[dev]'
fi
bash scripts/install-checkers.sh
echo "== ruff";          "$VENV/bin/ruff" check .
echo "== ruff format";   "$VENV/bin/ruff" format --check .
echo "== mypy (strict)"; "$VENV/bin/mypy" && "$VENV/bin/mypy" policy/__main__.py
echo "== import-linter"; "$VENV/bin/lint-imports"
echo "== pytest";        "$VENV/bin/pytest" -q -p no:cacheprovider "$@"
