"""`pdp policy list`: every rule: id, severity, scope, whether a stack may waive it, description
(and remediation in JSON)."""

from __future__ import annotations

import argparse
import json

from rich.table import Table

from pdpkit.cli.console import console
from pdpkit.cli.main import EXIT_OK
from pdpkit.policy import RULES


def run(args: argparse.Namespace) -> int:
    if args.format == "json":
        rules = [
            {
                "id": rule.id,
                "severity": rule.severity.value,
                "scope": rule.scope.value,
                "description": rule.description,
                "remediation": rule.remediation,
                "crossguard": rule.crossguard,
                "waivable": rule.waivable,
            }
            for rule in RULES
        ]
        print(json.dumps(rules, indent=2, ensure_ascii=False))
        return EXIT_OK
    table = Table(title=f"{len(RULES)} policy rules")
    for column in ("id", "severity", "scope", "waivable", "description"):
        table.add_column(column)
    for rule in RULES:
        waivable = "yes" if rule.waivable else "never"
        table.add_row(rule.id, rule.severity.value, rule.scope.value, waivable, rule.description)
    console().print(table)
    return EXIT_OK
