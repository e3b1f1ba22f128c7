"""Pulumi entry point: read the stack's config, validate it, deploy the data plane."""

from pdpkit.program import deploy
from pdpkit.spec.loader import load_from_pulumi_config

deploy(load_from_pulumi_config())
