"""`AksMaintenance`: one weekly window for cluster upgrades and node image upgrades."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import containerservice

SCHEDULES = ("aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule")
"""The two AKS-managed schedules: the upgrade channel's and the node OS channel's."""


@dataclass(frozen=True)
class MaintenanceWindow:
    """A weekly window (UTC) for cluster and node image upgrades."""

    day_of_week: str
    """``Sunday`` … ``Saturday``."""
    start_time: str
    """``HH:MM``."""
    duration_hours: int
    """At least 4 (AKS minimum)."""


@dataclass(frozen=True)
class AksMaintenanceArgs:
    """Inputs of `AksMaintenance`."""

    window: MaintenanceWindow
    cluster_name: pulumi.Input[str]
    resource_group_name: pulumi.Input[str]


class AksMaintenance(pulumi.ComponentResource):
    """Binds both automatic upgrade channels to the same weekly window (UTC), so nodes are
    never reimaged outside it."""

    schedules: tuple[str, ...]

    def __init__(
        self, name: str, args: AksMaintenanceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:azure:AksMaintenance", name, None, opts)
        window = args.window
        for config in SCHEDULES:
            containerservice.MaintenanceConfiguration(
                f"{name}-{config}",
                config_name=config,
                resource_name_=args.cluster_name,
                resource_group_name=args.resource_group_name,
                maintenance_window=containerservice.MaintenanceWindowArgs(
                    schedule=containerservice.ScheduleArgs(
                        weekly=containerservice.WeeklyScheduleArgs(
                            day_of_week=window.day_of_week, interval_weeks=1
                        )
                    ),
                    start_time=window.start_time,
                    duration_hours=window.duration_hours,
                    utc_offset="+00:00",
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.schedules = SCHEDULES
        self.register_outputs({"schedules": list(self.schedules)})
