"""Realistic outputs of gcp resources under the mock monitor.

Ids, self links and emails follow the shapes the Google provider returns
(``projects/<p>/locations/<r>/…``, ``https://www.googleapis.com/compute/v1/…``,
``<id>@<project>.iam.gserviceaccount.com``); numbers and addresses are derived from the
inputs with a hash, so a plan is deterministic.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from collections.abc import Callable
from typing import Any

from pdpkit.plan.fakes.run import UNKNOWN, FakeRun, made

COMPUTE = "https://www.googleapis.com/compute/v1"
_DEFAULT_PROJECT = "my-project"
_DEFAULT_REGION = "europe-west1"


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("/".join(parts).encode()).digest()


def project_number(project: str) -> str:
    """A 12-digit project number, stable per project id."""
    return str(
        100_000_000_000 + int.from_bytes(_digest("number", project)[:8], "big") % 899_999_999_999
    )


def _etag(*parts: str) -> str:
    return "BwY" + base64.urlsafe_b64encode(_digest("etag", *parts)[:9]).decode()


def _project(inputs: dict[str, Any]) -> str:
    return str(inputs.get("project") or _DEFAULT_PROJECT)


def _region(inputs: dict[str, Any], key: str = "region") -> str:
    return str(inputs.get(key) or _DEFAULT_REGION)


def _location_path(inputs: dict[str, Any]) -> str:
    return f"projects/{_project(inputs)}/locations/{_region(inputs, 'location')}"


def _network(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    vpc = inputs.get("name") or name
    path = f"projects/{_project(inputs)}/global/networks/{vpc}"
    return {
        "id": path,
        "name": vpc,
        "selfLink": f"{COMPUTE}/{path}",
        "numericId": made(str(int.from_bytes(_digest(path)[:7], "big"))),
    }


def _subnetwork(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    subnet = inputs.get("name") or name
    path = f"projects/{_project(inputs)}/regions/{_region(inputs)}/subnetworks/{subnet}"
    cidr = ipaddress.ip_network(inputs.get("ipCidrRange") or "10.0.0.0/20")
    return {
        "id": path,
        "name": subnet,
        "selfLink": f"{COMPUTE}/{path}",
        "gatewayAddress": str(cidr.network_address + 1),
        "fingerprint": made(_etag(path)),
    }


def _router(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    router = inputs.get("name") or name
    path = f"projects/{_project(inputs)}/regions/{_region(inputs)}/routers/{router}"
    return {"id": path, "name": router, "selfLink": f"{COMPUTE}/{path}"}


def _router_nat(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    nat = inputs.get("name") or name
    return {"id": f"{_project(inputs)}/{_region(inputs)}/{inputs.get('router')}/{nat}", "name": nat}


def _firewall(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    rule = inputs.get("name") or name
    path = f"projects/{_project(inputs)}/global/firewalls/{rule}"
    return {"id": path, "name": rule, "selfLink": f"{COMPUTE}/{path}"}


def _key_ring(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    ring = inputs.get("name") or name
    return {
        "id": f"{_location_path(inputs)}/keyRings/{ring}",
        "name": ring,
    }


def _crypto_key(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    key = inputs.get("name") or name
    ring = (
        inputs.get("keyRing")
        or f"projects/{_DEFAULT_PROJECT}/locations/{_DEFAULT_REGION}/keyRings/ring"
    )
    return {
        "id": f"{ring}/cryptoKeys/{key}",
        "name": key,
        "primary": [{"name": f"{ring}/cryptoKeys/{key}/cryptoKeyVersions/1", "state": "ENABLED"}],
    }


def _account(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    project = _project(inputs)
    email = f"{inputs.get('accountId') or name}@{project}.iam.gserviceaccount.com"
    return {
        "id": f"projects/{project}/serviceAccounts/{email}",
        "name": f"projects/{project}/serviceAccounts/{email}",
        "email": email,
        "member": f"serviceAccount:{email}",
        "uniqueId": made(
            str(100_000_000_000_000_000_000 + int.from_bytes(_digest(email)[:8], "big"))
        ),
    }


def _ca_certificate(cluster: str) -> str:
    """A base64 PEM the way GKE returns ``masterAuth.clusterCaCertificate`` (not a real key)."""
    body = base64.b64encode(b"".join(_digest("ca", cluster, str(i)) for i in range(24))).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    pem = "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"
    return base64.b64encode(pem.encode()).decode()


def _cluster(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    cluster = inputs.get("name") or name
    project, location = _project(inputs), _region(inputs, "location")
    private = dict(inputs.get("privateClusterConfig") or {})
    master = ipaddress.ip_network(private.get("masterIpv4CidrBlock") or "172.16.0.0/28")
    private_ip = str(master.network_address + 2)
    digest = _digest("endpoint", project, cluster)
    public_ip = f"34.{76 + digest[0] % 4}.{digest[1]}.{digest[2] % 254 + 1}"
    endpoint = private_ip if private.get("enablePrivateEndpoint") else public_ip
    private.update(
        {
            "privateEndpoint": private_ip,
            "publicEndpoint": "" if private.get("enablePrivateEndpoint") else made(public_ip),
            "peeringName": "",
        }
    )
    path = f"projects/{project}/locations/{location}/clusters/{cluster}"
    version = f"{inputs.get('minMasterVersion') or '1.34'}.6-gke.1020000"
    return {
        "id": path,
        "name": cluster,
        "endpoint": endpoint if private.get("enablePrivateEndpoint") else made(endpoint),
        "selfLink": f"https://container.googleapis.com/v1/{path}",
        "masterVersion": made(version),
        "labelFingerprint": made(_etag(path)[:8]),
        "operation": "",
        "servicesIpv4Cidr": (inputs.get("ipAllocationPolicy") or {}).get(
            "servicesIpv4CidrBlock", ""
        ),
        "privateClusterConfig": private,
        "masterAuth": {
            **dict(inputs.get("masterAuth") or {}),
            "clusterCaCertificate": made(_ca_certificate(path)),
            "clientCertificate": "",
            "clientKey": "",
        },
    }


def _node_pool(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    pool = inputs.get("name") or name
    cluster = str(inputs.get("cluster") or "")
    digest = _digest("pool", cluster, pool).hex()[:8]
    zone = f"{COMPUTE}/projects/{_project(inputs)}/zones/{_region(inputs, 'location')}-b"
    return {
        "id": f"{cluster}/nodePools/{pool}",
        "name": pool,
        "instanceGroupUrls": [made(f"{zone}/instanceGroupManagers/gke-{pool}-{digest}-grp")],
    }


def _repository(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    repo = inputs.get("repositoryId") or name
    return {
        "id": f"{_location_path(inputs)}/repositories/{repo}",
        "name": repo,
        "createTime": made("2026-01-01T00:00:00Z"),
    }


def _log_bucket(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    bucket = inputs.get("bucketId") or name
    path = f"projects/{_project(inputs)}/locations/{_region(inputs, 'location')}/buckets/{bucket}"
    return {"id": path, "name": path, "lifecycleState": "ACTIVE"}


def _sink(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Unique writer identities are per-sink service agents; shared ones the project's."""
    project = _project(inputs)
    sink = inputs.get("name") or name
    number = project_number(project)
    serial = int.from_bytes(_digest(sink)[:3], "big")
    writer = f"p{number}-{serial}" if inputs.get("uniqueWriterIdentity") else f"service-{number}"
    return {
        "id": f"projects/{project}/sinks/{sink}",
        "name": sink,
        # the writer's number is the project's, which only Google knows: made up
        "writerIdentity": made(f"serviceAccount:{writer}@gcp-sa-logging.iam.gserviceaccount.com"),
    }


def _bucket(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    bucket = inputs.get("name") or name
    return {
        "id": bucket,
        "name": bucket,
        "url": f"gs://{bucket}",
        "selfLink": f"https://www.googleapis.com/storage/v1/b/{bucket}",
    }


def _iam_member(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"etag": made(_etag(name, str(inputs.get("member")), str(inputs.get("role"))))}


OUTPUTS: dict[str, Callable[[FakeRun, str, dict[str, Any]], dict[str, Any]]] = {
    "gcp:compute/network:Network": _network,
    "gcp:compute/subnetwork:Subnetwork": _subnetwork,
    "gcp:compute/router:Router": _router,
    "gcp:compute/routerNat:RouterNat": _router_nat,
    "gcp:compute/firewall:Firewall": _firewall,
    "gcp:kms/keyRing:KeyRing": _key_ring,
    "gcp:kms/cryptoKey:CryptoKey": _crypto_key,
    "gcp:serviceaccount/account:Account": _account,
    "gcp:container/cluster:Cluster": _cluster,
    "gcp:container/nodePool:NodePool": _node_pool,
    "gcp:artifactregistry/repository:Repository": _repository,
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": _log_bucket,
    "gcp:logging/projectSink:ProjectSink": _sink,
    "gcp:storage/bucket:Bucket": _bucket,
    # every IAM member / binding (kms, projects, serviceaccount, storage, artifactregistry)
    "gcp:": _iam_member,
}


def _get_project(run: FakeRun, args: dict[str, Any]) -> dict[str, Any]:
    """The program reads the project only when the stack does not declare its number; only
    Google knows it, so the answer is unknown (the plan shows ``[unknown]`` where it is used)."""
    project = str(args.get("projectId") or _DEFAULT_PROJECT)
    return {
        "id": f"projects/{project}",
        "projectId": project,
        "name": project,
        "number": UNKNOWN,
        "labels": UNKNOWN,
        "autoCreateNetwork": UNKNOWN,
    }


CALLS: dict[str, Callable[[FakeRun, dict[str, Any]], dict[str, Any]]] = {
    "gcp:organizations/getProject:getProject": _get_project,
}
