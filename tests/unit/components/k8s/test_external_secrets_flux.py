from pdpkit.components.k8s.external_secrets import ExternalSecrets, ExternalSecretsArgs
from pdpkit.components.k8s.flux import Flux, FluxArgs
from pdpkit.components.k8s.flux_helm_release import FluxHelmRelease, FluxHelmReleaseArgs
from pdpkit.versions import chart


def test_store_uses_the_targets_provider_and_the_controller_its_identity(run):
    provider_block = {"vault": {"server": "https://vault:8200"}}
    recorded = run(
        lambda p: ExternalSecrets(
            "eso",
            ExternalSecretsArgs(
                provider=p,
                store_provider=provider_block,
                service_account_annotations={"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/x"},
                pod_labels={"azure.workload.identity/use": "true"},
            ),
        )
    )
    (store,) = recorded.kind("ClusterSecretStore")
    assert store["apiVersion"] == "external-secrets.io/v1"
    assert store["spec"]["provider"] == provider_block
    values = recorded.releases()["external-secrets"]["values"]
    assert values["installCRDs"] is True
    assert values["serviceAccount"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/x"
    }
    assert values["podLabels"] == {"azure.workload.identity/use": "true"}
    assert recorded.named("eso-release").urn in recorded.named("eso-store").dependencies


def test_flux_runs_only_source_helm_and_kustomize_and_follows_the_update_repository(run):
    recorded = run(
        lambda p: Flux(
            "flux",
            FluxArgs(
                provider=p,
                repository_url="https://git.example/updates.git",
                branch="stable",
                path="./clusters/a",
                interval="5m",
            ),
        )
    )
    values = recorded.releases()["flux"]["values"]
    created = {k: v["create"] for k, v in values.items() if isinstance(v, dict) and "create" in v}
    assert {k for k, v in created.items() if v} == {
        "sourceController",
        "helmController",
        "kustomizeController",
        "policies",
    }
    (repository,) = recorded.kind("GitRepository")
    assert repository["spec"] == {
        "url": "https://git.example/updates.git",
        "ref": {"branch": "stable"},
        "interval": "5m",
    }
    (kustomization,) = recorded.kind("Kustomization")
    assert kustomization["spec"]["path"] == "./clusters/a"
    assert kustomization["spec"]["sourceRef"] == {"kind": "GitRepository", "name": "pdp-updates"}
    release = recorded.named("flux-release").urn
    assert release in recorded.named("flux-repository").dependencies
    assert release in recorded.named("flux-kustomization").dependencies


def flux_release(run, **kwargs):
    args = {
        "chart": chart("logAgent"),
        "release_name": "fluent-bit",
        "target_namespace": "logs",
        "values": {"a": 1},
    } | kwargs
    recorded = run(lambda p: FluxHelmRelease("fb", FluxHelmReleaseArgs(provider=p, **args)))
    (release,) = recorded.kind("HelmRelease")
    (repository,) = recorded.kind("HelmRepository")
    return recorded, release, repository


def test_flux_release_is_pinned_unless_the_stack_sets_a_channel(run):
    _, pinned, repository = flux_release(run)
    assert pinned["spec"]["chart"]["spec"]["version"] == chart("logAgent").version
    assert pinned["spec"]["targetNamespace"] == "logs"
    assert pinned["spec"]["values"] == {"a": 1}
    assert repository["spec"]["url"] == chart("logAgent").repository
    assert "type" not in repository["spec"]
    _, channelled, _ = flux_release(run, channel="~0.48.0")
    assert channelled["spec"]["chart"]["spec"]["version"] == "~0.48.0"


def test_oci_charts_get_an_oci_helm_repository(run):
    _, release, repository = flux_release(run, chart=chart("envoyGateway"), cluster_rules=())
    assert repository["spec"]["type"] == "oci"
    assert repository["spec"]["url"] == "oci://docker.io/envoyproxy"
    assert release["spec"]["chart"]["spec"]["chart"] == "gateway-helm"


def test_releases_holding_data_are_protected_and_retained(run):
    recorded, _, _ = flux_release(run, holds_data=True)
    release = recorded.named("fb-release")
    assert release.protect and release.retain_on_delete
    recorded, _, _ = flux_release(run)
    assert not recorded.named("fb-release").protect


def test_private_update_repository_reads_its_credentials_from_the_secret_store(run):
    recorded = run(
        lambda p: Flux(
            "flux",
            FluxArgs(
                provider=p,
                repository_url="https://git.example/updates.git",
                credentials_key="pdp/dp/git/updates",
            ),
        )
    )
    (credentials,) = recorded.kind("ExternalSecret")
    assert credentials["metadata"] == {
        "name": "pdp-updates-credentials",
        "namespace": "flux-system",
        "labels": {"app.kubernetes.io/managed-by": "pdpkit"},
    }
    assert {d["remoteRef"]["property"] for d in credentials["spec"]["data"]} == {
        "username",
        "password",
    }
    (repository,) = recorded.kind("GitRepository")
    assert repository["spec"]["secretRef"] == {"name": "pdp-updates-credentials"}
    assert recorded.named("flux-credentials").urn in recorded.named("flux-repository").dependencies


def test_public_update_repository_has_no_credentials(run):
    recorded = run(
        lambda p: Flux("flux", FluxArgs(provider=p, repository_url="https://git.example/u.git"))
    )
    assert not recorded.kind("ExternalSecret")
    assert "secretRef" not in recorded.kind("GitRepository")[0]["spec"]
