"""The CrossGuard pack: pdpkit's rules as Pulumi policies (`pulumi preview --policy-pack`)."""

import sys
from pathlib import Path

# Works from a checkout without `pip install -e ..` too (the pack runs from policy/).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from crossguard import POLICY_PACK_NAME, policies
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name=POLICY_PACK_NAME,
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=policies(),
)
