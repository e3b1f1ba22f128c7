import pytest

from pdpkit.components.k8s.cert_manager import CertManager, CertManagerArgs


def issuer(run, **kwargs):
    recorded = run(lambda p: CertManager("cm", CertManagerArgs(provider=p, **kwargs)))
    (cluster_issuer,) = recorded.kind("ClusterIssuer")
    return recorded, cluster_issuer


def test_selfsigned_issuer_after_the_release_that_ships_its_crd(run):
    recorded, cluster_issuer = issuer(run, issuer="selfsigned")
    assert cluster_issuer["metadata"]["name"] == "pdp-selfsigned"
    assert cluster_issuer["spec"] == {"selfSigned": {}}
    release_urn = recorded.named("cm-release").urn
    assert release_urn in recorded.named("cm-issuer").dependencies
    values = recorded.releases()["cert-manager"]["values"]
    assert values["crds"] == {"enabled": True, "keep": True}
    assert values["config"]["gatewayAPI"] == {"enabled": True}


def test_letsencrypt_answers_http01_through_the_external_gateway(run):
    _, cluster_issuer = issuer(
        run, issuer="letsencrypt", acme_email="ops@acme.example", http01_gateway=("external", "gw")
    )
    acme = cluster_issuer["spec"]["acme"]
    assert acme["server"] == "https://acme-v02.api.letsencrypt.org/directory"
    assert acme["email"] == "ops@acme.example"
    (solver,) = acme["solvers"]
    (parent,) = solver["http01"]["gatewayHTTPRoute"]["parentRefs"]
    assert parent == {
        "name": "external",
        "namespace": "gw",
        "kind": "Gateway",
        "sectionName": "http",
    }


def test_dns01_solver_is_scoped_to_the_zone(run):
    dns01 = {"route53": {"region": "eu-west-1"}}
    _, cluster_issuer = issuer(
        run, issuer="letsencrypt-staging", dns01_solver=dns01, dns_zone="acme.example"
    )
    acme = cluster_issuer["spec"]["acme"]
    assert "staging" in acme["server"]
    assert acme["solvers"] == [{"dns01": dns01, "selector": {"dnsZones": ["acme.example"]}}]


def test_acme_without_a_solver_is_refused():
    args = CertManagerArgs(provider=None, issuer="letsencrypt")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="DNS-01 solver or an HTTP-01 gateway"):
        CertManager.issuer_spec(args, "pdp-letsencrypt")
