"""A stand-in for Pulumi's Python language host, run as its own process by the tests.

It does what ``pulumi-language-python-exec`` does (pulumi/pulumi
sdk/python/cmd/pulumi-language-python-exec): read ``PULUMI_CONFIG`` and
``PULUMI_CONFIG_SECRET_KEYS`` from the environment the caller set, configure the runtime,
change to the project directory and run it as ``__main__`` inside ``run_in_stack`` — with
the SDK's mock monitor in place of the engine's. It prints, as JSON, every resource the
program registered and which cloud SDKs the process imported.

    python tests/language_host.py PROJECT_DIR STACK [--preview]
"""

from __future__ import annotations

import asyncio
import json
import os
import runpy
import sys

import pulumi
import pulumi.runtime
from google.protobuf import empty_pb2
from pulumi.runtime import mocks, settings, stack

from pdpkit.plan.recorder import PlanMonitor, Recording

CLOUD_SDKS = ("pulumi_azure_native", "pulumi_aws", "pulumi_gcp")


def main(project_dir: str, stack_name: str, preview: bool) -> None:
    pulumi.runtime.set_all_config(
        pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env()
    )
    recording = Recording(project="pdp", stack=stack_name)
    monitor = PlanMonitor(recording)
    features = set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures)
    settings.configure(
        mocks.MockSettings(
            monitor=monitor,
            monitor_features=features,
            engine=mocks.MockEngine(None),
            project="pdp",
            stack=stack_name,
            dry_run=preview,
            organization=None,
            callbacks=None,
        )
    )
    os.chdir(project_dir)
    sys.argv = ["."]
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(
        stack.run_in_stack(lambda: runpy.run_path(".", run_name="__main__"))  # type: ignore[no-untyped-call]
    )
    loop.close()
    print(
        json.dumps(
            {
                "resources": sorted([r.type, r.name] for r in recording.resources),
                "cloudSdks": sorted(m for m in CLOUD_SDKS if m in sys.modules),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], "--preview" in sys.argv[3:])
