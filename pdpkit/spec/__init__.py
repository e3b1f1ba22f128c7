"""The typed, validated model of a stack. Pure: no Pulumi imports."""

from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.enums import GatewayVisibility, IntegrationKind, ManagementModel, Target
from pdpkit.spec.errors import Problem, SpecError
from pdpkit.spec.platform import EnvironmentSpec, IntegrationSpec, PlatformSpec
from pdpkit.spec.stack import StackSpec

__all__ = [
    "DataPlaneSpec",
    "EnvironmentSpec",
    "GatewayVisibility",
    "IntegrationKind",
    "IntegrationSpec",
    "ManagementModel",
    "PlatformSpec",
    "Problem",
    "SpecError",
    "StackSpec",
    "Target",
]
