"""IntegrationEndpoints: a ClusterIP Service and versioned HTTPRoutes on the right gateway."""

from __future__ import annotations

from pdpkit.platform.integration_endpoints import versioned_path
from tests.unit.platform.recorded import GATEWAYS, objects, one, onprem


def test_versioned_path() -> None:
    assert versioned_path("/orders", "v1.2") == "/orders/v1.2"
    assert versioned_path("/orders/", "v1.2") == "/orders/v1.2"
    assert versioned_path("/", "v3.0") == "/v3.0"


def test_routes_carry_the_track_version_and_attach_by_visibility() -> None:
    routes = {
        r["metadata"]["name"]: r["spec"] for r in objects(onprem(), "HTTPRoute", "orders-dev")
    }
    assert set(routes) == {
        "order-api-orders",
        "order-api-admin",
        "order-api-payment-events",
        "order-api-shipments",
    }
    orders = routes["order-api-orders"]
    assert (
        orders["parentRefs"][0]["name"] == "external"
        and orders["parentRefs"][0]["namespace"] == GATEWAYS
    )
    assert orders["rules"][0]["matches"] == [
        {"path": {"type": "PathPrefix", "value": "/orders/v1.2"}}
    ]
    assert orders["rules"][0]["backendRefs"] == [{"name": "order-api", "port": 8290}]
    admin = routes["order-api-admin"]
    assert admin["parentRefs"][0]["name"] == "internal"
    assert admin["hostnames"] == ["*.internal.example"]
    assert admin["rules"][0]["matches"][0]["path"]["value"] == "/orders-admin/v1.2"
    # client certificates: the mutual TLS listeners only, with their hostnames
    shipments = routes["order-api-shipments"]
    assert [(p["name"], p.get("sectionName")) for p in shipments["parentRefs"]] == [
        ("external", "mtls-0")
    ]
    assert shipments["hostnames"] == ["partners-mtls.apps.example"]
    assert "sectionName" not in orders["parentRefs"][0]
    assert "order-api-shipments" not in {
        p["metadata"]["name"] for p in objects(onprem(), "SecurityPolicy", "orders-dev")
    }


def test_service_is_cluster_ip_over_every_endpoint_port() -> None:
    service = one(onprem(), "Service", "orders-dev", "order-api")["spec"]
    assert service["type"] == "ClusterIP"
    assert sorted(p["port"] for p in service["ports"]) == [8290, 9201]  # webhook: 8290 too
    assert service["selector"] == {
        "app.kubernetes.io/name": "order-api",
        "app.kubernetes.io/part-of": "orders",
    }


def test_tasks_have_no_service_or_routes() -> None:
    assert not objects(onprem(), "Service", "finance-dev")
    assert not objects(onprem(), "HTTPRoute", "finance-dev")
