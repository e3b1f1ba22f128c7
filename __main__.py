"""Pulumi entry point: read the stack's config, validate it, deploy the data plane.

`pulumi up` runs this file (the project directory as ``__main__``); so does `pdp plan`,
on the mock monitor. Nothing else belongs here.
"""

from pathlib import Path

from pdpkit.program import deploy, load_from_pulumi_config

ROOT = Path(__file__).resolve().parent
deploy(load_from_pulumi_config(ROOT), ROOT)
