from pdpkit.components.k8s.envoy_gateway import EnvoyGateway, EnvoyGatewayArgs
from pdpkit.components.k8s.gateway import Gateway, GatewayArgs
from pdpkit.versions import chart


def build(provider, **kwargs):
    envoy = EnvoyGateway("eg", EnvoyGatewayArgs(provider=provider))
    defaults = {
        "provider": provider,
        "gateway_name": "internal",
        "namespace": envoy.namespace,
        "gateway_class": envoy.gateway_class_name,
        "hostnames": ("*.a.example", "*.b.example"),
        "cluster_issuer": "pdp-selfsigned",
        "crds": (envoy.crds, envoy.gateway_class),
    }
    return Gateway("gw", GatewayArgs(**(defaults | kwargs)))


def test_crds_are_rendered_and_applied_server_side_never_a_helm_release(run):
    # gateway-crds-helm's release record exceeds the 1 MiB Secret limit (helm/helm#12277);
    # upstream renders it and applies server-side (charts/gateway-crds-helm/README.md:33-38)
    recorded = run(lambda p: EnvoyGateway("eg", EnvoyGatewayArgs(provider=p)))
    releases = recorded.releases()
    assert "gateway-crds" not in releases
    assert all("gateway-crds-helm" not in r["chart"] for r in releases.values())
    crds = recorded.named("eg-crds")
    assert crds.type == "kubernetes:helm.sh/v4:Chart"
    assert crds.inputs["chart"] == "oci://docker.io/envoyproxy/gateway-crds-helm"
    assert crds.inputs["version"] == chart("gatewayApiCrds").version
    assert crds.inputs["values"]["crds"] == {
        "gatewayAPI": {"enabled": True, "channel": "standard"},
        "envoyGateway": {"enabled": True},
    }
    assert releases["envoy-gateway"]["skipCrds"] is True
    assert releases["envoy-gateway"]["values"]["crds"] == {"enabled": False}
    assert crds.urn in recorded.named("eg-controller").dependencies
    assert crds.urn in recorded.named("eg-class").dependencies
    (gateway_class,) = recorded.kind("GatewayClass")
    assert (
        gateway_class["spec"]["controllerName"] == "gateway.envoyproxy.io/gatewayclass-controller"
    )


def test_one_https_listener_per_hostname_with_the_shared_certificate(run):
    recorded = run(build)
    (gateway,) = recorded.kind("Gateway")
    listeners = gateway["spec"]["listeners"]
    assert [(x["hostname"], x["port"], x["protocol"]) for x in listeners] == [
        ("*.a.example", 443, "HTTPS"),
        ("*.b.example", 443, "HTTPS"),
    ]
    (certificate,) = recorded.kind("Certificate")
    assert certificate["spec"]["dnsNames"] == ["*.a.example", "*.b.example"]
    assert certificate["spec"]["issuerRef"]["name"] == "pdp-selfsigned"
    refs = {x["tls"]["certificateRefs"][0]["name"] for x in listeners}
    assert refs == {certificate["spec"]["secretName"]}
    assert recorded.named("eg-crds").urn in recorded.named("gw-gateway").dependencies


def test_internal_gateway_is_private_through_its_envoy_proxy(run):
    annotations = {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}
    recorded = run(lambda p: build(p, service_annotations=annotations))
    (proxy,) = recorded.kind("EnvoyProxy")
    (gateway,) = recorded.kind("Gateway")
    service = proxy["spec"]["provider"]["kubernetes"]["envoyService"]
    assert service["annotations"] == annotations
    assert gateway["spec"]["infrastructure"]["parametersRef"]["name"] == proxy["metadata"]["name"]
    assert all(x["port"] == 443 for x in gateway["spec"]["listeners"])


def test_http_listener_only_when_asked_and_only_for_its_own_namespace(run):
    (gateway,) = run(lambda p: build(p, gateway_name="external", http_listener=True)).kind(
        "Gateway"
    )
    (http,) = [x for x in gateway["spec"]["listeners"] if x["protocol"] == "HTTP"]
    assert http["port"] == 80
    assert http["allowedRoutes"] == {"namespaces": {"from": "Same"}}
