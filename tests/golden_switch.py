"""The one switch that rewrites golden and reference files: ``PDP_UPDATE_GOLDEN=rewrite``.

Unset (or empty), golden files are compared byte for byte and never written. Any value
other than the spelled-out ``rewrite`` fails the test, so that a typo (``=1``, ``=true``,
``=rewirte``) neither rewrites nor quietly compares. CI never sets it.
"""

from __future__ import annotations

import os

import pytest

SWITCH = "PDP_UPDATE_GOLDEN"
REWRITE = "rewrite"
HINT = f"{SWITCH}={REWRITE} pytest <this test>, then review and commit the diff"


def rewrite_requested() -> bool:
    """Whether this run rewrites golden files (fails the test on any other non-empty value)."""
    value = os.environ.get(SWITCH, "")
    if value == REWRITE:
        return True
    if value:
        pytest.fail(
            f"{SWITCH}={value!r} is not understood: set {SWITCH}={REWRITE} to rewrite golden "
            f"files, or unset it to compare them",
            pytrace=False,
        )
    return False
