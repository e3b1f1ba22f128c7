"""The shared system layer, as a cloud target calls it (Cilium managed by the cloud)."""

from __future__ import annotations

import pulumi

from pdpkit.dataplane.system import SystemLayer
from pdpkit.dataplane.system_args import LogDestination, SystemLayerArgs, WorkloadIdentity
from pdpkit.spec.loader import load_stack
from tests.examples import ROOT

CRD_SHIPPERS = {
    "cert-manager.io": "cert-manager",
    "external-secrets.io": "external-secrets",
    "gateway.networking.k8s.io": "gateway-crds",
    "gateway.envoyproxy.io": "gateway-crds",
    "source.toolkit.fluxcd.io": "flux",
    "kustomize.toolkit.fluxcd.io": "flux",
    "helm.toolkit.fluxcd.io": "flux",
}


def layer(run, install_cilium: bool, dns01=None):
    spec = load_stack(ROOT, "acme-onprem-local").dataplane
    holder: dict[str, SystemLayer] = {}

    def build(provider):
        holder["layer"] = SystemLayer(
            "dp-system",
            SystemLayerArgs(
                spec=spec,
                provider=provider,
                install_cilium=install_cilium,
                secret_store_provider={"gcpsm": {"projectID": "p"}},
                secret_store_identity=WorkloadIdentity(
                    service_account_annotations={"iam.gke.io/gcp-service-account": "eso@p"}
                ),
                log_destination=LogDestination("stackdriver", {"resource": "k8s_container"}),
                registry=pulumi.Output.from_input("europe-docker.pkg.dev/p/r"),
                api_server_cidrs=("172.16.0.2/32",),
                internal_load_balancer_annotations={
                    "networking.gke.io/load-balancer-type": "Internal"
                },
                acme_dns01_solver=dns01,
            ),
        )

    return run(build), holder["layer"]


def installers(recorded) -> dict[str, str]:
    """URN per Helm release name, plus ``gateway-crds``: the CRD chart rendered and applied
    server-side (a helm.v4.Chart, never a release: its record is over the 1 MiB limit)."""
    urns = {r.inputs["name"]: r.urn for r in recorded.of_type("kubernetes:helm.sh/v3:Release")}
    (crds,) = recorded.of_type("kubernetes:helm.sh/v4:Chart")
    assert crds.inputs["chart"].endswith("/gateway-crds-helm")
    return urns | {"gateway-crds": crds.urn}


def ancestors_and_dependencies(recorded, urn):
    """Every resource `urn` waits for: its dependencies and its ancestors' dependencies."""
    by_urn = {r.urn: r for r in recorded.resources}
    seen: set[str] = set()
    todo = [urn]
    while todo:
        current = by_urn.get(todo.pop())
        if current is None:
            continue
        for next_urn in [*current.dependencies, current.parent]:
            if next_urn and next_urn not in seen:
                seen.add(next_urn)
                todo.append(next_urn)
    return seen


def test_contract_attributes(run):
    _, system = layer(run, install_cilium=False)
    assert system.secret_store_name == "pdp-secret-store"
    assert (system.external_gateway.name, system.internal_gateway.name) == ("external", "internal")
    assert system.external_gateway.namespace == "envoy-gateway-system"
    assert system.internal_gateway.hostnames == ("*.internal.lab.acme.example",)
    assert len(system.ready) == 3


def test_no_cilium_where_the_cloud_runs_it(run):
    recorded, _ = layer(run, install_cilium=False)
    assert "cilium" not in recorded.releases()
    assert set(recorded.releases()) == {
        "envoy-gateway",
        "cert-manager",
        "external-secrets",
        "flux",
    }


def test_every_release_waits_for_cilium_when_pdpkit_installs_it(run):
    recorded, _ = layer(run, install_cilium=True)
    cilium = recorded.named("dp-system-cilium-release").urn
    charts = recorded.of_type("kubernetes:helm.sh/v4:Chart")
    for release in [*recorded.of_type("kubernetes:helm.sh/v3:Release"), *charts]:
        if release.urn != cilium:
            assert cilium in ancestors_and_dependencies(recorded, release.urn), release.name


def test_custom_resources_wait_for_the_release_that_ships_their_crd(run):
    recorded, _ = layer(run, install_cilium=True)
    releases = installers(recorded)
    custom = [r for r in recorded.resources if r.type.split(":")[1].split("/")[0] in CRD_SHIPPERS]
    assert len(custom) >= 10
    for resource in custom:
        group = resource.type.split(":")[1].split("/")[0]
        assert releases[CRD_SHIPPERS[group]] in ancestors_and_dependencies(
            recorded, resource.urn
        ), resource.name


def test_independent_components_are_not_chained(run):
    recorded, _ = layer(run, install_cilium=False)
    urns = installers(recorded)
    independent = ["external-secrets", "flux", "gateway-crds"]
    for name in independent:
        waits_for = ancestors_and_dependencies(recorded, urns[name])
        assert not {urns[other] for other in independent if other != name} & waits_for, name
    # the one real edge: cert-manager watches Gateways, so it needs their CRDs
    assert urns["gateway-crds"] in ancestors_and_dependencies(recorded, urns["cert-manager"])
    assert urns["flux"] not in ancestors_and_dependencies(recorded, urns["cert-manager"])


def test_internal_gateway_gets_the_targets_private_load_balancer(run):
    recorded, _ = layer(run, install_cilium=False)
    proxies = {p["metadata"]["name"]: p for p in recorded.kind("EnvoyProxy")}
    service = proxies["internal-proxy"]["spec"]["provider"]["kubernetes"]["envoyService"]
    assert service["annotations"] == {"networking.gke.io/load-balancer-type": "Internal"}
    external = proxies["external-proxy"]["spec"]["provider"]["kubernetes"]["envoyService"]
    assert external["annotations"] == {}


def test_dns01_solver_replaces_the_http_listener(run):
    recorded, _ = layer(run, install_cilium=False, dns01={"cloudDNS": {"project": "p"}})
    (issuer,) = recorded.kind("ClusterIssuer")
    # the on-prem example uses a self-signed issuer, whatever the solver
    assert issuer["spec"] == {"selfSigned": {}}
    for gateway in recorded.kind("Gateway"):
        assert all(x["protocol"] == "HTTPS" for x in gateway["spec"]["listeners"])


def test_service_accounts_targets_bind_identities_to_are_stable(run):
    recorded, _ = layer(run, install_cilium=False)
    releases = recorded.releases()
    assert (
        releases["external-secrets"]["namespace"],
        releases["external-secrets"]["values"]["serviceAccount"]["name"],
    ) == ("external-secrets", "external-secrets")
    assert (
        releases["cert-manager"]["namespace"],
        releases["cert-manager"]["values"]["serviceAccount"]["name"],
    ) == ("cert-manager", "cert-manager")
    (fluent_bit,) = recorded.kind("HelmRelease")
    assert fluent_bit["spec"]["targetNamespace"] == "pdp-logging"
    assert fluent_bit["spec"]["values"]["serviceAccount"]["name"] == "fluent-bit"
    assert fluent_bit["spec"]["values"]["serviceAccount"]["annotations"] == {}
    esa = releases["external-secrets"]["values"]["serviceAccount"]["annotations"]
    assert esa == {"iam.gke.io/gcp-service-account": "eso@p"}
