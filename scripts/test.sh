#!/usr/bin/env bash
# The project's checks, as CI runs them: lint, types, layers, tests.
# Run after the README's setup command (it needs .venv with the dev extras).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
bash scripts/install-checkers.sh
echo "== ruff";          "$VENV/bin/ruff" check .
echo "== ruff format";   "$VENV/bin/ruff" format --check .
echo "== mypy (strict)"; "$VENV/bin/mypy" && "$VENV/bin/mypy" policy/__main__.py
echo "== import-linter"; "$VENV/bin/lint-imports"
echo "== pytest";        "$VENV/bin/pytest" -q -p no:cacheprovider "$@"
