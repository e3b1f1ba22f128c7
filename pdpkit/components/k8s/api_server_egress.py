"""Egress to the Kubernetes API server that a Cilium data path really lets through.

Cilium translates a Service address to a backend before it enforces policy, so an ``ipBlock``
of the ``kubernetes`` Service's ClusterIP never matches (cilium/cilium#33525, #20550); and a
self-managed API server runs on node addresses, which CIDR rules do not select by default.
Two ways work:

- by Cilium's ``kube-apiserver`` entity, in a `CiliumNetworkPolicy`
  (``toEntities: [kube-apiserver]``; the entity came with cilium/cilium#17823 and the
  CiliumNetworkPolicy CRD lists it among ``toEntities`` in pkg/policy/api/egress.go), where
  the CRD exists: wherever pdpkit installs Cilium itself (on-prem, EKS). AKS and GKE run their
  own Cilium; GKE Dataplane V2 offers no CiliumNetworkPolicy (only its own cluster-wide
  variant, cloud.google.com/kubernetes-engine/docs/how-to/configure-cilium-network-policy),
  so there
- by the API server's real endpoint addresses, in a NetworkPolicy ``ipBlock`` (the ranges
  the target knows: GKE's control-plane range, AKS's API server subnet or private endpoint).

Both are additive: Cilium allows what any policy selecting the pod allows.
"""

from __future__ import annotations

from typing import Any

API_SERVER_PORTS = (443, 6443)
"""The API server's own ports behind the Service (policy sees the translated port): 443 on
the managed clouds, 6443 on kubeadm/k3s/RKE2 control planes."""

KUBE_APISERVER_ENTITY = "kube-apiserver"


def cilium_api_server_spec(pod_labels: dict[str, str]) -> dict[str, Any]:
    """A `CiliumNetworkPolicy` spec letting pods with `pod_labels` reach the API server, on
    its ports only (one rule: entity and ports together, never a bare ports rule)."""
    return {
        "endpointSelector": {"matchLabels": dict(pod_labels)},
        "egress": [
            {
                "toEntities": [KUBE_APISERVER_ENTITY],
                "toPorts": [
                    {
                        # the CRD types ports as strings (cilium.io/v2 PortProtocol.port)
                        "ports": [
                            {"port": str(port), "protocol": "TCP"} for port in API_SERVER_PORTS
                        ]
                    }
                ],
            }
        ],
    }
