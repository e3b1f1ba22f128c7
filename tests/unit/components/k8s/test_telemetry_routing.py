"""The collectors' routing tables: one tenant per namespace, the rest to the system tenant."""

from __future__ import annotations

import pytest

from pdpkit.components.k8s.telemetry_routing import (
    StoreExport,
    namespace_tenants,
    routing_connector,
    tenant_pipelines,
    tenant_routes,
)
from pdpkit.spec.observability import SYSTEM_TENANT

TENANTS = {"orders-dev": "orders-dev", "finance-dev": "finance-dev"}
LOKI = StoreExport("logs", "otlphttp", "http://loki-write:3100/otlp", "loki")


def config(*, unattributed_to_system: bool) -> dict:
    exporters, pipelines = tenant_pipelines(TENANTS, LOKI, ("routing/logs",))
    return {
        "connectors": {
            "routing/logs": routing_connector(
                TENANTS, "logs", unattributed_to_system=unattributed_to_system
            )
        },
        "exporters": exporters,
        "service": {"pipelines": pipelines},
    }


def test_each_namespace_is_written_as_its_own_tenant_only():
    assert namespace_tenants(config(unattributed_to_system=True)) == {
        "orders-dev": {"orders-dev"},
        "finance-dev": {"finance-dev"},
    }


def test_each_tenant_has_its_own_exporter_and_header():
    exporters, pipelines = tenant_pipelines(TENANTS, LOKI, ("routing/logs",))
    assert {e["headers"]["X-Scope-OrgID"] for e in exporters.values()} == {
        "orders-dev",
        "finance-dev",
        SYSTEM_TENANT,
    }
    assert pipelines["logs/orders-dev"] == {
        "receivers": ["routing/logs"],
        "exporters": ["otlphttp/loki-orders-dev"],
    }


def test_the_system_route_excludes_every_tenant_namespace():
    table = routing_connector(TENANTS, "logs", unattributed_to_system=True)["table"]
    system = table[-1]
    assert system["pipelines"] == [f"logs/{SYSTEM_TENANT}"]
    for namespace in TENANTS:
        assert f'attributes["k8s.namespace.name"] != "{namespace}"' in system["condition"]
    assert 'attributes["k8s.namespace.name"] != nil' in system["condition"]


def test_unattributed_records_go_to_the_system_tenant_or_nowhere():
    node = routing_connector(TENANTS, "logs", unattributed_to_system=True)
    assert node["default_pipelines"] == [f"logs/{SYSTEM_TENANT}"]
    otlp = routing_connector(TENANTS, "traces", unattributed_to_system=False)
    assert "default_pipelines" not in otlp


def test_the_system_tenant_cannot_be_a_project_tenant():
    with pytest.raises(ValueError, match="pdp-system"):
        tenant_routes({"pdp-system": SYSTEM_TENANT})


def test_routes_are_sorted_whatever_the_input_order():
    assert list(tenant_routes(dict(reversed(list(TENANTS.items()))))) == [
        "finance-dev",
        "orders-dev",
    ]
