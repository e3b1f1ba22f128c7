"""The shared system layer every target installs on its cluster (see docs/system-layer.md)."""

from __future__ import annotations

import pulumi

from pdpkit.components.k8s.cert_manager import CertManager, CertManagerArgs
from pdpkit.components.k8s.cilium import Cilium, CiliumArgs
from pdpkit.components.k8s.client_certificates import (
    ClientCertificates,
    ClientCertificatesArgs,
)
from pdpkit.components.k8s.envoy_gateway import EnvoyGateway, EnvoyGatewayArgs
from pdpkit.components.k8s.external_secrets import ExternalSecrets, ExternalSecretsArgs
from pdpkit.components.k8s.flux import Flux, FluxArgs
from pdpkit.components.k8s.gateway import Gateway, GatewayArgs
from pdpkit.components.k8s.log_agent import LogAgent, LogAgentArgs
from pdpkit.components.k8s.pdp_agent import PdpAgent, PdpAgentArgs
from pdpkit.components.k8s.web_application_firewall import (
    WebApplicationFirewall,
    WebApplicationFirewallArgs,
)
from pdpkit.dataplane.contract import GatewayRef
from pdpkit.dataplane.system_args import SystemLayerArgs
from pdpkit.spec.dataplane import WafMode
from pdpkit.spec.secret_keys import secret_key

__all__ = ["SystemLayer", "SystemLayerArgs"]


class SystemLayer(pulumi.ComponentResource):
    """Cilium (where needed), Envoy Gateway with an external and an internal gateway (the
    external one behind its source ranges and web application firewall), cert-manager,
    External Secrets, Flux, the log agent and the PDP agent.

    Ordering is by real dependency only: everything waits for the target's node pools and,
    where pdpkit installs it, for Cilium (no pod runs without a CNI); each custom resource
    waits for the release that ships its CRD; nothing else is chained.
    """

    secret_store_name: str
    """Name of the `ClusterSecretStore` (``pdp-secret-store``)."""
    external_gateway: GatewayRef
    internal_gateway: GatewayRef
    ready: tuple[pulumi.Resource, ...]
    """What platform custom resources depend on: the ESO release and store, the Gateway API CRDs."""
    flux_ready: tuple[pulumi.Resource, ...]
    """What a target's own Flux HelmReleases depend on (the Flux release)."""
    flux_namespace: str
    cluster_issuer: str
    """Name of the `ClusterIssuer` (for certificates of target-specific services)."""
    certificates_ready: tuple[pulumi.Resource, ...]
    """What a target's own `Certificate`s depend on (cert-manager release and issuer)."""
    api_server_cidrs: tuple[str, ...]
    """Real addresses of the API server's endpoints (see `SystemLayerArgs`)."""
    api_server_entity: bool
    """Whether pods may be allowed the API server by Cilium's ``kube-apiserver`` entity (the
    CiliumNetworkPolicy CRD exists: pdpkit installed Cilium)."""

    def __init__(
        self, name: str, args: SystemLayerArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:dataplane:SystemLayer", name, None, opts)
        spec = args.spec
        provider = args.provider
        child = pulumi.ResourceOptions(parent=self)
        prerequisites = tuple(args.depends_on)
        if args.install_cilium:
            cilium = Cilium(
                f"{name}-cilium",
                CiliumArgs(
                    provider=provider,
                    cluster_name=spec.name,
                    encryption=spec.cilium.encryption,
                    hubble=spec.cilium.hubble,
                    version=spec.cilium.version,
                    values=args.cilium_values,
                    depends_on=prerequisites,
                ),
                child,
            )
            prerequisites = (*prerequisites, cilium.release)

        envoy = EnvoyGateway(
            f"{name}-envoy-gateway",
            EnvoyGatewayArgs(provider=provider, depends_on=prerequisites),
            child,
        )
        issuer = spec.gateways.tls_issuer
        acme_http01 = issuer != "selfsigned" and args.acme_dns01_solver is None
        certificates = CertManager(
            f"{name}-cert-manager",
            CertManagerArgs(
                provider=provider,
                issuer=issuer,
                acme_email=spec.gateways.acme_email,
                dns_zone=spec.gateways.dns_zone,
                dns01_solver=args.acme_dns01_solver,
                http01_gateway=("external", envoy.namespace) if acme_http01 else None,
                service_account_annotations=args.cert_manager_identity.service_account_annotations,
                pod_labels=args.cert_manager_identity.pod_labels,
                # the controller watches Gateways (HTTP-01 solver): their CRDs first
                depends_on=(*prerequisites, envoy.crds),
            ),
            child,
        )
        mtls = spec.gateways.external.mtls
        gateways = {}
        for visibility, gateway_spec in (
            ("external", spec.gateways.external),
            ("internal", spec.gateways.internal),
        ):
            gateways[visibility] = Gateway(
                f"{name}-{visibility}-gateway",
                GatewayArgs(
                    provider=provider,
                    gateway_name=visibility,
                    namespace=envoy.namespace,
                    gateway_class=envoy.gateway_class_name,
                    hostnames=_hostnames(
                        gateway_spec.hostnames,
                        args.internal_service_hostnames if visibility == "internal" else (),
                    ),
                    cluster_issuer=certificates.issuer_name,
                    service_annotations=(
                        args.internal_load_balancer_annotations
                        if visibility == "internal"
                        else args.external_load_balancer_annotations
                    ),
                    source_ranges=(
                        tuple(spec.gateways.external.source_ranges or ())
                        if visibility == "external"
                        else ()
                    ),
                    mtls_hostnames=(
                        tuple(mtls.hostnames) if visibility == "external" and mtls else ()
                    ),
                    http_listener=visibility == "external" and acme_http01,
                    crds=(envoy.crds, envoy.gateway_class),
                    certificates=(certificates.release, certificates.issuer),
                ),
                child,
            )
        waf_mode = spec.gateways.external.waf.effective_mode(spec.production)
        if waf_mode is not WafMode.OFF:
            WebApplicationFirewall(
                f"{name}-external-waf",
                WebApplicationFirewallArgs(
                    provider=provider,
                    gateway_name=gateways["external"].gateway_name,
                    namespace=envoy.namespace,
                    blocking=waf_mode is WafMode.BLOCKING,
                    module=spec.gateways.external.waf.module,
                    crds=(envoy.crds,),
                    gateway=gateways["external"].gateway,
                ),
                child,
            )
        secrets = ExternalSecrets(
            f"{name}-external-secrets",
            ExternalSecretsArgs(
                provider=provider,
                store_provider=args.secret_store_provider,
                service_account_annotations=args.secret_store_identity.service_account_annotations,
                pod_labels=args.secret_store_identity.pod_labels,
                depends_on=prerequisites,
            ),
            child,
        )
        if mtls is not None:
            ClientCertificates(
                f"{name}-external-client-certificates",
                ClientCertificatesArgs(
                    provider=provider,
                    gateway_name=gateways["external"].gateway_name,
                    namespace=envoy.namespace,
                    listeners=gateways["external"].mtls_listeners,
                    ca_key=secret_key(spec.secret_store.secret_prefix, mtls.ca_secret),
                    secret_store=secrets.store_name,
                    depends_on=(
                        secrets.release,
                        secrets.store,
                        envoy.crds,
                        gateways["external"].gateway,
                    ),
                ),
                child,
            )
        flux = Flux(
            f"{name}-flux",
            FluxArgs(
                provider=provider,
                repository_url=spec.flux.repository_url,
                branch=spec.flux.branch,
                path=spec.flux.path,
                interval=spec.flux.interval,
                credentials_key=(
                    secret_key(spec.secret_store.secret_prefix, spec.flux.credentials_secret)
                    if spec.flux.credentials_secret
                    else None
                ),
                secret_store=secrets.store_name,
                secrets_ready=(secrets.release, secrets.store),
                depends_on=prerequisites,
            ),
            child,
        )
        if args.log_destination is not None:
            destination = args.log_destination
            LogAgent(
                f"{name}-log-agent",
                LogAgentArgs(
                    provider=provider,
                    output=destination.output,
                    parameters=destination.parameters,
                    service_account_annotations=destination.identity.service_account_annotations,
                    pod_labels=destination.identity.pod_labels,
                    channel=spec.flux.channels.get("logAgent"),
                    depends_on=(flux.release,),
                ),
                child,
            )
        PdpAgent(
            f"{name}-agent",
            PdpAgentArgs(
                provider=provider,
                image=spec.agent.image,
                control_plane_url=spec.agent.control_plane_url,
                data_plane_id=spec.agent.data_plane_id,
                token_key=secret_key(spec.secret_store.secret_prefix, spec.agent.token_secret),
                image_pull_key=(
                    None
                    if spec.agent.image_pull_secret is None
                    else secret_key(spec.secret_store.secret_prefix, spec.agent.image_pull_secret)
                ),
                secret_store=secrets.store_name,
                control_plane_cidrs=tuple(spec.agent.control_plane_cidrs),
                api_server_cidrs=tuple(args.api_server_cidrs),
                # the CiliumNetworkPolicy CRD exists where pdpkit installs Cilium
                api_server_entity=args.install_cilium,
                flux_namespace=flux.namespace,
                depends_on=(secrets.release, secrets.store, *prerequisites),
            ),
            child,
        )
        self.secret_store_name = secrets.store_name
        self.external_gateway = _ref(
            gateways["external"],
            tuple(spec.gateways.external.hostnames),
            tuple(mtls.hostnames) if mtls else (),
        )
        self.internal_gateway = _ref(gateways["internal"], tuple(spec.gateways.internal.hostnames))
        self.ready = (secrets.release, secrets.store, envoy.crds)
        self.api_server_cidrs = tuple(args.api_server_cidrs)
        self.api_server_entity = args.install_cilium
        self.flux_ready = (flux.release,)
        self.flux_namespace = flux.namespace
        self.cluster_issuer = certificates.issuer_name
        self.certificates_ready = (certificates.release, certificates.issuer)
        self.register_outputs(
            {
                "secret_store_name": self.secret_store_name,
                "external_gateway": _describe(self.external_gateway),
                "internal_gateway": _describe(self.internal_gateway),
                "cluster_issuer": self.cluster_issuer,
                "certificates_ready": list(self.certificates_ready),
                "ready": list(self.ready),
                "flux_ready": list(self.flux_ready),
                "flux_namespace": self.flux_namespace,
            }
        )


def _hostnames(integrations: tuple[str, ...], services: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*integrations, *services)))


def _ref(
    gateway: Gateway, hostnames: tuple[str, ...], mtls_hostnames: tuple[str, ...] = ()
) -> GatewayRef:
    """The gateway as integrations see it: only the stack's hostnames, not the services'."""
    return GatewayRef(
        gateway.gateway_name,
        gateway.namespace,
        hostnames,
        mtls_listeners=gateway.mtls_listeners,
        mtls_hostnames=mtls_hostnames,
    )


def _describe(ref: GatewayRef) -> dict[str, object]:
    described: dict[str, object] = {
        "name": ref.name,
        "namespace": ref.namespace,
        "hostnames": list(ref.hostnames),
    }
    if ref.mtls_listeners:
        described["mtls_listeners"] = list(ref.mtls_listeners)
        described["mtls_hostnames"] = list(ref.mtls_hostnames)
    return described
