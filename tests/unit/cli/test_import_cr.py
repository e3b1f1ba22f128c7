"""`pdp import-cr`: the seed's example renders faithfully; every kind of invalid CR is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pdpkit.cli.main import main
from pdpkit.spec.platform import IntegrationSpec
from tests.examples import ROOT
from tests.golden_switch import rewrite_requested

EXAMPLE = ROOT / "examples/integration_cr.yaml"


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("import")
    assert (
        main(
            ["import-cr", str(EXAMPLE), "--out", str(out / "defs"), "--render", str(out / "render")]
        )
        == 0
    )
    return out


def test_definition_keeps_every_field(imported: Path) -> None:
    definition = yaml.safe_load((imported / "defs/sample-integration.yaml").read_text())
    IntegrationSpec.model_validate(definition)  # a valid pdpkit integration
    assert definition["name"] == "sample-integration" and definition["kind"] == "service"
    assert "image" not in definition  # tag-only: not pinned, never deployed by tag
    assert (
        definition["track"]["registryRepository"]
        == "registry.acme.example/integrations/hello-world"
    )
    assert definition["replicas"] == 1
    assert definition["resources"] == {
        "requests": {"cpu": "500m", "memory": "512Mi"},
        "limits": {"cpu": "2000m", "memory": "2048Mi"},
    }
    assert definition["probes"]["liveness"]["tcpSocket"] == {"port": 8290}
    assert definition["probes"]["readiness"]["httpGet"] == {"port": 9201, "path": "/healthz"}
    assert definition["probes"]["readiness"]["initialDelaySeconds"] == 30
    assert definition["autoscaling"] == {
        "enabled": True,
        "maxReplicas": 3,
        "targetCpuUtilization": 50,
    }
    assert [(e["name"], e["port"]) for e in definition["endpoints"]] == [
        ("passthrough", 8290),
        ("inbound-8000", 8000),
        ("inbound-9000", 9000),
    ]
    env = {e["name"]: e for e in definition["env"]}
    assert env["DEV_ENV_USER_EP"]["value"] == "https://reqres.in/api"
    assert env["SECRET_USERNAME"]["secret"] == {
        "key": "backend-user",
        "property": "backend-username",
    }
    assert env["CONFIGMAP_USERNAME"]["config"] == "backend-username"
    assert definition["envFromConfig"] is True
    assert definition["envFromSecrets"] == [{"key": "SECRET_NAME"}]


def test_render_is_faithful(imported: Path) -> None:
    docs = _docs(imported / "render/default-dev.yaml")
    kinds = sorted(d["kind"] for d in docs)
    assert (
        kinds.count("HTTPRoute") == 3 and "HorizontalPodAutoscaler" in kinds and "Service" in kinds
    )
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    assert "replicas" not in deployment["spec"]  # the HPA (min 1, max 3) owns it
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.acme.example/integrations/hello-world:1.0.0"
    assert container["resources"]["limits"] == {"cpu": "2000m", "memory": "2048Mi"}
    assert container["livenessProbe"]["tcpSocket"] == {"port": 8290}
    assert container["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": 9201}
    assert sorted(p["containerPort"] for p in container["ports"]) == [8000, 8290, 9000]
    env = {e["name"]: e for e in container["env"]}
    assert env["DEV_ENV_USER_EP"] == {"name": "DEV_ENV_USER_EP", "value": "https://reqres.in/api"}
    assert "secretKeyRef" in env["SECRET_USERNAME"]["valueFrom"]
    assert env["CONFIGMAP_USERNAME"]["valueFrom"]["configMapKeyRef"]["key"] == "backend-username"
    assert [next(iter(e)) for e in container["envFrom"]] == ["configMapRef", "secretRef"]
    hpa = next(d for d in docs if d["kind"] == "HorizontalPodAutoscaler")["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (1, 3)
    paths = sorted(
        r["spec"]["rules"][0]["matches"][0]["path"]["value"]
        for r in docs
        if r["kind"] == "HTTPRoute"
    )
    assert paths == [
        "/sample-integration-inbound/8000/v1.0",
        "/sample-integration-inbound/9000/v1.0",
        "/sample-integration/v1.0",
    ]
    secrets = {d["metadata"]["name"]: d["spec"] for d in docs if d["kind"] == "ExternalSecret"}
    extract = [s["dataFrom"][0]["extract"]["key"] for s in secrets.values() if "dataFrom" in s]
    assert extract == ["pdp/import-preview/SECRET_NAME"]
    remote = [d["remoteRef"] for s in secrets.values() for d in s.get("data", [])]
    assert {"key": "pdp/import-preview/backend-user", "property": "backend-username"} in remote


def test_tag_only_image_warns_about_digests(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["import-cr", str(EXAMPLE), "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "pinned by tag only" in err and "sha256" in err


def test_the_missing_authentication_is_announced(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The CR says nothing of auth or limits; the importer invents none and says so."""
    assert main(["import-cr", str(EXAMPLE), "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "says nothing of authentication or limits" in err
    assert "passthrough, inbound-8000, inbound-9000 are external without auth" in err
    [definition] = tmp_path.glob("*.yaml")
    assert "auth:" not in definition.read_text(encoding="utf-8")


def _cr(**spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "image": "r.example/x@sha256:" + "c" * 64,
        "deploySpec": {"minReplicas": 2},
        "autoScale": {"enabled": "false"},
    }
    return {
        "apiVersion": "integration.wso2.com/v1alpha2",
        "kind": "Integration",
        "metadata": {"name": "inbound-samples"},
        "spec": {**base, **spec},
    }


def test_multi_document_and_digest_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    second = _cr()
    second["metadata"]["name"] = "second"
    second["spec"]["autoScale"] = {"enabled": True, "maxReplicas": 5}
    path = tmp_path / "crs.yaml"
    path.write_text(yaml.safe_dump_all([_cr(), None, second]))
    assert (
        main(["import-cr", str(path), "--out", str(tmp_path / "out"), "--project", "orders"]) == 0
    )
    first = yaml.safe_load((tmp_path / "out/inbound-samples.yaml").read_text())
    assert (
        first["image"].endswith("c" * 64)
        and first["project"] == "orders"
        and first["replicas"] == 2
    )
    assert "autoscaling" not in first  # "false" keeps its meaning
    assert (
        yaml.safe_load((tmp_path / "out/second.yaml").read_text())["autoscaling"]["maxReplicas"]
        == 5
    )
    assert "operator" in capsys.readouterr().err  # default probes/resources are announced


INVALID = {
    "wrong apiVersion": ({"apiVersion": "wso2.com/v1"}, "apiVersion"),
    "wrong kind": ({"kind": "Deployment"}, "kind"),
    "bad name": ({"metadata": {"name": "Hello_World"}}, "metadata.name"),
    "no spec": ({"spec": None}, "spec"),
    "no image": ({"spec": {"deploySpec": {}}}, "spec.image"),
    "unknown spec key": ({"spec": {"image": "x:1", "replicas": 2}}, "spec.replicas"),
    "bad replicas": (
        {"spec": {"image": "x:1", "deploySpec": {"minReplicas": "two"}}},
        "spec.deploySpec.minReplicas",
    ),
    "bad quantity": (
        {"spec": {"image": "x:1", "deploySpec": {"requestCPU": "lots"}}},
        "spec.deploySpec.requestCPU",
    ),
    "bad autoscale flag": (
        {"spec": {"image": "x:1", "autoScale": {"enabled": "yes"}}},
        "spec.autoScale.enabled",
    ),
    "max below min": (
        {
            "spec": {
                "image": "x:1",
                "deploySpec": {"minReplicas": 4},
                "autoScale": {"enabled": "true", "maxReplicas": 2},
            }
        },
        "spec.autoScale.maxReplicas",
    ),
    "exec probe": (
        {
            "spec": {
                "image": "x:1",
                "deploySpec": {"livenessProbe": {"exec": {"command": ["true"]}}},
            }
        },
        "spec.deploySpec.livenessProbe.exec",
    ),
    "probe without handler": (
        {"spec": {"image": "x:1", "deploySpec": {"readinessProbe": {"periodSeconds": 5}}}},
        "spec.deploySpec.readinessProbe",
    ),
    "successThreshold above 1": (
        {
            "spec": {
                "image": "x:1",
                "deploySpec": {"readinessProbe": {"tcpSocket": {"port": 1}, "successThreshold": 2}},
            }
        },
        "spec.deploySpec.readinessProbe.successThreshold",
    ),
    "bad port": (
        {"spec": {"image": "x:1", "expose": {"passthroPort": 70000}}},
        "spec.expose.passthroPort",
    ),
    "ports not a list": (
        {"spec": {"image": "x:1", "expose": {"inboundPorts": 8000}}},
        "spec.expose.inboundPorts",
    ),
    "env without name": ({"spec": {"image": "x:1", "env": [{"value": "v"}]}}, "spec.env[0].name"),
    "env value and valueFrom": (
        {
            "spec": {
                "image": "x:1",
                "env": [
                    {
                        "name": "A",
                        "value": "v",
                        "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}},
                    }
                ],
            }
        },
        "spec.env[0]",
    ),
    "unknown valueFrom": (
        {
            "spec": {
                "image": "x:1",
                "env": [{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "x"}}}],
            }
        },
        "spec.env[0].valueFrom",
    ),
    "secretKeyRef without key": (
        {
            "spec": {
                "image": "x:1",
                "env": [{"name": "A", "valueFrom": {"secretKeyRef": {"name": "s"}}}],
            }
        },
        "spec.env[0].valueFrom.secretKeyRef.key",
    ),
    "bad envFrom": ({"spec": {"image": "x:1", "envFrom": [{"prefix": "X"}]}}, "spec.envFrom[0]"),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_cr_is_refused_with_file_and_key(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change, key = INVALID[case]
    cr = _cr()
    for field, value in change.items():
        cr[field] = value
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(cr))
    assert main(["import-cr", str(path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and f"{key}:" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing written


def test_unreadable_and_broken_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("apiVersion: [unclosed\n")
    assert main(["import-cr", str(broken), str(tmp_path / "missing.yaml")]) == 1
    err = capsys.readouterr().err
    assert "broken.yaml:2: YAML syntax error" in err and "missing.yaml: cannot read" in err


def test_duplicate_names_and_empty_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(yaml.safe_dump_all([_cr(), _cr()]))
    assert main(["import-cr", str(path)]) == 1
    assert "also the name of" in capsys.readouterr().err
    empty = tmp_path / "empty.yaml"
    empty.write_text("---\n")
    assert main(["import-cr", str(empty)]) == 1
    assert "no Integration custom resource" in capsys.readouterr().err


def test_render_matches_golden(imported: Path) -> None:
    """The example's rendered manifests, reviewable; PDP_UPDATE_GOLDEN=rewrite to accept a change."""
    golden = ROOT / "tests/golden/import-cr"
    rendered = {p.name: p.read_text() for p in sorted((imported / "render").glob("*.yaml"))}
    definition = (imported / "defs/sample-integration.yaml").read_text()
    rendered["sample-integration.definition.yaml"] = definition.replace(f"{ROOT}/", "")  # portable
    if rewrite_requested():
        golden.mkdir(parents=True, exist_ok=True)
        for name, text in rendered.items():
            (golden / name).write_text(text)
    assert rendered == {p.name: p.read_text() for p in sorted(golden.glob("*.yaml"))}
