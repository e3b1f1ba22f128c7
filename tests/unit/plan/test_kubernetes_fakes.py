from pdpkit.plan.fakes import fake_outputs


def test_objects_come_back_like_the_api_server_returns_them():
    inputs = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "pdp-agent", "namespace": "pdp-system"},
        "spec": {"replicas": 2},
    }
    resource_id, outputs, fabricated = fake_outputs(
        "kubernetes:apps/v1:Deployment", "agent", inputs
    )
    assert resource_id == "pdp-system/pdp-agent"
    assert (
        outputs["metadata"]["uid"]
        == fake_outputs("kubernetes:apps/v1:Deployment", "x", inputs)[1]["metadata"]["uid"]
    )
    assert outputs["status"]["readyReplicas"] == 2
    assert "metadata.uid" in fabricated and "id" not in fabricated


def test_helm_release_reports_deployed_with_its_chart_and_version():
    resource_id, outputs, _ = fake_outputs(
        "kubernetes:helm.sh/v3:Release",
        "sys-flux-release",
        {"name": "flux", "namespace": "flux-system", "chart": "flux2", "version": "2.18.3"},
    )
    assert resource_id == "flux-system/flux"
    assert outputs["status"] | {} == {
        "name": "flux",
        "namespace": "flux-system",
        "chart": "flux2",
        "version": "2.18.3",
        "revision": 1,
        "status": "deployed",
        "appVersion": "",
    }


def test_gateway_gets_a_stable_address():
    inputs = {"kind": "Gateway", "metadata": {"name": "external", "namespace": "gw"}}
    first = fake_outputs("kubernetes:gateway.networking.k8s.io/v1:Gateway", "g", inputs)[1]
    second = fake_outputs("kubernetes:gateway.networking.k8s.io/v1:Gateway", "g", inputs)[1]
    assert first["status"]["addresses"] == second["status"]["addresses"]
    assert first["status"]["addresses"][0]["value"].startswith("10.250.0.")
