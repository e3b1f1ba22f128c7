"""Which tenant each record is written as: the collectors' routing tables, as data.

The stores are multi-tenant (``X-Scope-OrgID``) but an exporter sends one fixed header, so
each tenant gets its own exporter, fed by a routing connector that matches the record's
``k8s.namespace.name`` resource attribute. One namespace maps to exactly one tenant; every
namespace outside the table maps to `SYSTEM_TENANT` (node logs, events) or, for OTLP
records the collector cannot attribute to a pod, to nothing (dropped, never misfiled).

Routing connector: ``table[].condition`` (OTTL, resource context by default),
``default_pipelines``, pipelines named ``<signal>/<name>`` (open-telemetry/opentelemetry-
collector-contrib connector/routingconnector/README.md, read from the stored copy at
0089cfef: the contrib repository is too large to fetch here, its v0.158.0 tag was not read).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pdpkit.spec.observability import SYSTEM_TENANT

NAMESPACE_ATTRIBUTE = "k8s.namespace.name"
TENANT_HEADER = "X-Scope-OrgID"


@dataclass(frozen=True)
class StoreExport:
    """How one signal reaches its store: the exporter type and its endpoint."""

    signal: str
    """Pipeline type: ``logs``, ``metrics`` or ``traces``."""
    exporter: str
    """Collector exporter type: ``otlphttp`` (Loki's, Cortex's OTLP endpoint) or ``otlp``."""
    endpoint: str
    store: str
    """Short name of the store in component ids (``loki``, ``tempo``, ``cortex``)."""
    endpoint_key: str = "endpoint"
    """The exporter setting the endpoint goes in: ``endpoint`` (a base URL the exporter
    appends ``/v1/<signal>`` to) or ``metrics_endpoint`` (the full URL: Cortex's receiver is
    not under ``/v1/metrics``)."""


def tenant_routes(tenants: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Tenant -> the namespaces written as it (sorted: stable config, stable diffs)."""
    routes: dict[str, list[str]] = {}
    for namespace, tenant in tenants.items():
        if tenant == SYSTEM_TENANT:
            raise ValueError(f"namespace {namespace!r}: {SYSTEM_TENANT} is the system tenant")
        routes.setdefault(tenant, []).append(namespace)
    return {tenant: tuple(sorted(routes[tenant])) for tenant in sorted(routes)}


def _matches(namespaces: tuple[str, ...]) -> str:
    return " or ".join(f'attributes["{NAMESPACE_ATTRIBUTE}"] == "{ns}"' for ns in namespaces)


def routing_connector(
    tenants: Mapping[str, str], signal: str, *, unattributed_to_system: bool
) -> dict[str, Any]:
    """A routing connector's settings: one route per tenant, then the system tenant.

    `unattributed_to_system`: records without a namespace go to the system tenant (node
    logs, Kubernetes events: the kubelet's file path or the API object names it); False
    (OTLP): only records the collector attributed to a namespace are kept, the rest is
    dropped (no ``default_pipelines``) rather than written to a tenant nobody chose.
    """
    routes = tenant_routes(tenants)
    table: list[dict[str, Any]] = [
        {"condition": _matches(namespaces), "pipelines": [f"{signal}/{tenant}"]}
        for tenant, namespaces in routes.items()
    ]
    # Exclusive of the tenant routes whatever the connector's matching order.
    outside = [f'attributes["{NAMESPACE_ATTRIBUTE}"] != nil'] + [
        f'attributes["{NAMESPACE_ATTRIBUTE}"] != "{ns}"'
        for namespaces in routes.values()
        for ns in namespaces
    ]
    table.append({"condition": " and ".join(outside), "pipelines": [f"{signal}/{SYSTEM_TENANT}"]})
    # ignore: a condition that fails to evaluate sends the record to the default (or nowhere)
    settings: dict[str, Any] = {"error_mode": "ignore"}
    if unattributed_to_system:
        settings["default_pipelines"] = [f"{signal}/{SYSTEM_TENANT}"]
    settings["table"] = table
    return settings


def tenant_pipelines(
    tenants: Mapping[str, str], export: StoreExport, connectors: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(exporters, pipelines): per tenant (and the system tenant) an exporter sending that
    tenant's header and a pipeline fed by `connectors`."""
    exporters: dict[str, Any] = {}
    pipelines: dict[str, Any] = {}
    for tenant in (*tenant_routes(tenants), SYSTEM_TENANT):
        exporter = f"{export.exporter}/{export.store}-{tenant}"
        settings: dict[str, Any] = {
            export.endpoint_key: export.endpoint,
            "headers": {TENANT_HEADER: tenant},
        }
        if export.exporter == "otlp":
            settings["tls"] = {"insecure": True}  # in-cluster, Cilium encrypts node to node
        exporters[exporter] = settings
        pipelines[f"{export.signal}/{tenant}"] = {
            "receivers": list(connectors),
            "exporters": [exporter],
        }
    return exporters, pipelines


def namespace_tenants(config: Mapping[str, Any]) -> dict[str, set[str]]:
    """For a rendered collector config: namespace -> the tenants its records can be written
    as (read back from the routing tables and the exporters' headers; tests use it)."""
    pipelines = config.get("service", {}).get("pipelines", {})
    exporters = config.get("exporters", {})
    result: dict[str, set[str]] = {}
    for connector in config.get("connectors", {}).values():
        for route in connector.get("table", []):
            condition: str = route["condition"]
            if "==" not in condition:
                continue
            namespaces = [part.split('"')[3] for part in condition.split(" or ")]
            for pipeline in route["pipelines"]:
                for exporter in pipelines[pipeline]["exporters"]:
                    tenant = exporters[exporter]["headers"][TENANT_HEADER]
                    for ns in namespaces:
                        result.setdefault(ns, set()).add(tenant)
    for name, receiver in config.get("receivers", {}).items():
        # prometheus receivers discover targets in named namespaces only: each feeds one
        # tenant's pipeline (workloads' endpoints); kube-state-metrics' series are kept per
        # tenant by their `namespace` label (`ksm_namespaces`)
        if not name.startswith("prometheus/") or receiver is None:
            continue
        scraped: set[str] = set()
        for scrape in receiver["config"]["scrape_configs"]:
            kept = ksm_namespaces(scrape)
            scraped.update(kept)
            for sd in scrape.get("kubernetes_sd_configs", []):
                if not kept and not scrape.get("metric_relabel_configs"):
                    scraped.update(sd.get("namespaces", {}).get("names", []))
        for pipeline in pipelines.values():
            if pipeline is None or name not in pipeline.get("receivers", []):
                continue
            for exporter in pipeline["exporters"]:
                if exporter.startswith("routing/"):
                    continue
                tenant = exporters[exporter]["headers"][TENANT_HEADER]
                for ns in scraped:
                    result.setdefault(ns, set()).add(tenant)
    return result


def ksm_namespaces(scrape: Mapping[str, Any]) -> set[str]:
    """The namespaces a kube-state-metrics scrape keeps series of (its ``keep`` rule on the
    ``namespace`` label), empty for any other scrape."""
    kept: set[str] = set()
    for rule in scrape.get("metric_relabel_configs", []):
        if rule.get("action") == "keep" and rule.get("source_labels") == ["namespace"]:
            kept.update(rule["regex"].split("|"))
    return kept
