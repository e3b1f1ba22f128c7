"""`pdp validate` refuses an integration image its data plane has no credentials for."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdpkit.spec.image_registry import image_pull_problems
from pdpkit.spec.loader import build_stack
from tests.examples import scratch_project
from tests.unit.cli.test_validate import edit, validate
from tests.unit.spec.stacks import raw_sections

ORDER_API = "platform/acme/integrations/order-api.yaml"
PULL = (
    "imagePullSecret: {key: registry-acmecr-pull}   # docker config JSON of an acmecr pull token\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    scratch_project(tmp_path)
    return tmp_path


def test_a_foreign_image_without_a_pull_secret_is_refused_on_every_data_plane(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project / ORDER_API, PULL, "")
    code, output = validate(project, capsys)
    assert code == 1
    for plane, registry in (
        ("acme-azure-dev", "acmepdpdevacr.azurecr.io"),
        ("acme-aws-prod", "210987654321.dkr.ecr.eu-west-1.amazonaws.com"),
        ("acme-gcp-staging", "europe-west1-docker.pkg.dev/acme-pdp-staging/acme-gcp-staging"),
    ):
        assert (
            f"order-api.yaml:4 pdp:platform.integrations[2].image: {plane} cannot pull "
            f"acmecr.azurecr.io/orders/order-api" in output
        ), output
        assert f"acmecr.azurecr.io is not this data plane's registry ({registry})" in output
    assert "set imagePullSecret to a secret-store key" in output


def test_the_own_registry_needs_no_pull_secret_on_a_cloud() -> None:
    raw = raw_sections("acme-azure-dev")
    order_api = next(i for i in raw["platform"]["integrations"] if i["name"] == "order-api")
    del order_api["imagePullSecret"]
    order_api["image"] = order_api["image"].replace("acmecr.azurecr.io", "acmepdpdevacr.azurecr.io")
    stack = build_stack(raw)  # raises SpecError on any problem
    assert list(image_pull_problems(stack)) == []


def test_harbor_images_need_a_robot_pull_secret(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = "stacks/Pulumi.acme-onprem-local.yaml"
    edit(project / stack, "        imagePullSecret: {key: harbor/orders-robot}", "")
    code, output = validate(project, capsys, stack)
    assert code == 1
    assert "pdp:platform.integrations[0].image: acme-onprem-local cannot pull" in output
    assert "no credentials for its Harbor (harbor.lab.acme.example)" in output
