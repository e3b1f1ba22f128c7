"""`pdp fleet render`: the Pulumi Kubernetes Operator (v2) objects of a management cluster.

Per customer, in a namespace of its own (``pdp-<customer>``: one customer's workspaces,
secrets and service account never share a namespace with another's):

- the Namespace (Pod Security ``restricted``: the workspaces run the non-root profile);
- a ServiceAccount carrying the customer's identity (IRSA, Azure workload identity, GKE
  workload identity annotations) and a ClusterRoleBinding to ``system:auth-delegator``,
  which a workspace's service account needs (operator v2.9.0 docs/migration.md:46);
- a Flux ``GitRepository`` of this repository at the pinned commit (``ref.commit`` takes
  precedence over every other reference: source-controller v1.8.2 CRD);
- per stack, a ``Stack`` that applies (``refresh``, never destroys on deletion, runs once per
  commit) and a ``<stack>-drift`` Stack that previews on a schedule, expecting no changes:
  the preview-beside-apply pattern of the operator's examples/preview-demo/stack.yaml, with
  ``updateTemplate.spec.expectNoChanges`` so that drift fails the check (the Update's
  ``expectNoChanges`` reaches the agent's preview: operator/internal/controller/auto/
  update_controller.go:408 at v2.9.0; the Stack's ``expectNoRefreshChanges`` is ignored in
  v2: operator/internal/controller/pulumi/migration.go:28).

Ordering: a production stack (``dataplane.production``) lists its customer's non-production
stacks as ``prerequisites`` with ``succeededWithinDuration``: the operator runs it only when
they succeeded on their last run, and re-runs them first when that was too long ago
(stack_controller.go:291-313 at v2.9.0). The drift check waits for its own stack.

Dependencies: before its first operation a workspace runs ``pulumi install``
(workspace_controller.go:317-324 at v2.9.0), which installs the project's root
``requirements.txt`` into ``.venv`` (pulumi/pulumi v3.259.0 sdk/python/toolchain/pip.go:551):
the hashed lock of every cloud's SDK, whose binary wheels are CPython 3.11 Linux x86_64's. So
every workspace selects that Python (``PYENV_VERSION``: the image's pyenv) and runs on
``amd64`` nodes; on another Python pip refuses the lock's hashes. Nothing selects a stack's
extra: ``pulumi install`` passes no argument to pip (docs/fleet.md, "The workspace's
dependencies").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pdpkit.fleet.loader import Fleet
from pdpkit.fleet.locations import backend_location
from pdpkit.fleet.model import CustomerSpec, Engine, OperatorSpec
from pdpkit.spec.base import duration_seconds
from pdpkit.spec.errors import Problem, SpecError
from pdpkit.spec.stack import StackSpec
from pdpkit.versions import PULUMI_KUBERNETES_OPERATOR as ENGINE

NAMESPACE_PREFIX = "pdp-"
PROGRAM_SOURCE = "pdp-program"
"""Name of the GitRepository in each customer namespace."""
WORKSPACE_ACCOUNT = "pdp-workspace"
"""Name of the ServiceAccount every workspace of the customer runs as."""
DRIFT_SUFFIX = "-drift"
PULUMI_CLOUD_TOKEN = "pulumi-access-token"  # noqa: S105 (a Secret's name)
"""Secret (key ``accessToken``) a Pulumi Cloud backend's stacks read their token from."""
MANAGED_BY = {"app.kubernetes.io/managed-by": "pdpkit"}
_REVISION = re.compile(r"^([0-9a-f]{40}|[0-9a-f]{64})$")
REQUIREMENTS = "requirements.txt"
"""What each workspace's ``pulumi install`` installs (pip toolchain: the project root's)."""

# Service account annotations of each cloud's workload identity:
# - IRSA: eks.amazonaws.com/role-arn (docs.aws.amazon.com/eks/latest/userguide/
#   associate-service-account-role.html);
# - Azure Workload Identity: azure.workload.identity/client-id and tenant-id on the service
#   account, label azure.workload.identity/use: "true" on the pod (azure.github.io/
#   azure-workload-identity/docs/topics/service-account-labels-and-annotations.html);
# - GKE Workload Identity: iam.gke.io/gcp-service-account (cloud.google.com/
#   kubernetes-engine/docs/how-to/workload-identity). Each works only on its own cloud's
#   management cluster; read docs/fleet.md "Operator engine" for the other combinations.
# Not re-read at a pinned revision here: the three pages as of 2026.
AWS_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
AZURE_CLIENT_ANNOTATION = "azure.workload.identity/client-id"
AZURE_TENANT_ANNOTATION = "azure.workload.identity/tenant-id"
AZURE_USE_LABEL = "azure.workload.identity/use"
GKE_SA_ANNOTATION = "iam.gke.io/gcp-service-account"
KUBECONFIG_MOUNT = "/var/run/pdp/kubeconfig"
ARCH_LABEL = "kubernetes.io/arch"
PYTHON_SELECTOR = "PYENV_VERSION"
"""The variable the workspace image's pyenv shims choose the Python by (versions.py)."""


def namespace_of(customer: str) -> str:
    """The customer's namespace in the management cluster."""
    return f"{NAMESPACE_PREFIX}{customer}"


def revision_problem(revision: str) -> str | None:
    """Why `revision` cannot pin the program (None when it can)."""
    if _REVISION.match(revision):
        return None
    return (
        f"--revision {revision!r} is not a full commit SHA; expected the 40 (or 64) lowercase "
        "hex digits of `git rev-parse HEAD`: a branch or tag would let a push change what "
        "every customer runs"
    )


def install_problem(root: Path) -> str | None:
    """Why the workspaces' ``pulumi install`` would leave them without pulumi (None: it won't).

    Without a root requirements.txt Pulumi's pip toolchain creates an empty ``.venv`` and
    reports success (pulumi/pulumi v3.259.0 sdk/python/toolchain/pip.go:543-547); the program
    then fails at ``import pulumi`` on every stack."""
    if (root / REQUIREMENTS).is_file():
        return None
    return (
        f"no {REQUIREMENTS} at the project root: each workspace runs `pulumi install`, which "
        f"installs only {REQUIREMENTS} into .venv, so every stack would fail at `import "
        "pulumi`; restore it (`--require-hashes`, `-r requirements-ci.txt`: docs/fleet.md)"
    )


def render_operator(fleet: Fleet, revision: str, wave: str | None = None) -> dict[str, list[Any]]:
    """File name -> the objects it holds: one file per customer (of `wave`, or all)."""
    settings = fleet.spec.operator
    if fleet.spec.engine is not Engine.OPERATOR or settings is None:
        # one engine per fleet: objects rendered for a fleet the workflows apply would
        # apply every stack a second time
        raise SpecError(
            [
                Problem(
                    "fleet.yaml",
                    None,
                    "engine",
                    f"the fleet's engine is {fleet.spec.engine.value!r}: its stacks are "
                    "applied by the workflows of `pdp fleet ci generate`, and operator "
                    "objects would apply them a second time; to move the fleet to the "
                    "operator set `engine: operator` with an `operator:` section (at least "
                    "`repositoryUrl:`), run `pdp fleet ci generate` (it removes fleet-up.yml "
                    "and fleet-drift.yml) and render again (docs/fleet.md)",
                )
            ]
        )
    problem = revision_problem(revision)
    if problem:
        raise SpecError([Problem("--revision", None, "", problem)])
    problem = install_problem(fleet.root)
    if problem:
        raise SpecError([Problem(str(fleet.root / REQUIREMENTS), None, "", problem)])
    waves = [w.name for w in fleet.spec.waves]
    if wave is not None and wave not in waves:
        raise SpecError(
            [Problem("--wave", None, "", f"no wave {wave!r}; waves: {', '.join(waves)}")]
        )
    files: dict[str, list[Any]] = {}
    for customer in fleet.spec.customers:
        if wave is not None and fleet.spec.wave_of(customer).name != wave:
            continue
        files[f"{customer.name}.yaml"] = customer_objects(fleet, customer, settings, revision)
    return files


def customer_objects(
    fleet: Fleet, customer: CustomerSpec, settings: OperatorSpec, revision: str
) -> list[Any]:
    """Every object of one customer, in apply order."""
    namespace = namespace_of(customer.name)
    labels = {
        **MANAGED_BY,
        "pdpkit.io/customer": customer.name,
        "pdpkit.io/wave": fleet.spec.wave_of(customer).name,
    }
    objects: list[Any] = [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": namespace,
                "labels": {
                    **labels,
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/warn": "restricted",
                },
            },
        },
        _service_account(customer, namespace, labels),
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": f"{namespace}:system:auth-delegator", "labels": labels},
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": "system:auth-delegator",
            },
            "subjects": [
                {"kind": "ServiceAccount", "name": WORKSPACE_ACCOUNT, "namespace": namespace}
            ],
        },
        _git_repository(settings, namespace, labels, revision),
    ]
    stacks = fleet.stacks_of(customer)
    rehearsals = [name for name, stack in stacks if not stack.dataplane.production]
    for name, stack in stacks:
        needs = rehearsals if stack.dataplane.production else []
        objects.append(
            _stack(customer, settings, name, stack, namespace=namespace, labels=labels, needs=needs)
        )
        objects.append(
            _drift_stack(customer, settings, name, stack, namespace=namespace, labels=labels)
        )
    return objects


def _service_account(customer: CustomerSpec, namespace: str, labels: dict[str, str]) -> Any:
    identity = customer.identity
    annotations: dict[str, str] = {}
    if identity.aws is not None:
        annotations[AWS_ROLE_ANNOTATION] = identity.aws.source_role_arn or identity.aws.role_arn
    if identity.azure is not None:
        annotations[AZURE_CLIENT_ANNOTATION] = identity.azure.client_id
        annotations[AZURE_TENANT_ANNOTATION] = identity.azure.tenant_id
    if identity.gcp is not None:
        annotations[GKE_SA_ANNOTATION] = identity.gcp.service_account
    metadata: dict[str, Any] = {"name": WORKSPACE_ACCOUNT, "namespace": namespace, "labels": labels}
    if annotations:
        metadata["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata}


def _git_repository(
    settings: OperatorSpec, namespace: str, labels: dict[str, str], revision: str
) -> Any:
    spec: dict[str, Any] = {
        "url": settings.repository_url,
        "ref": {"commit": revision},
        "interval": "1h",  # the commit is fixed: only a re-fetch after a loss
    }
    if settings.credentials_secret:
        spec["secretRef"] = {"name": settings.credentials_secret}
    return {
        "apiVersion": ENGINE.flux_source_api_version,
        "kind": "GitRepository",
        "metadata": {"name": PROGRAM_SOURCE, "namespace": namespace, "labels": labels},
        "spec": spec,
    }


def _common_spec(customer: CustomerSpec, settings: OperatorSpec, name: str) -> dict[str, Any]:
    """What the applying Stack and its drift check share: source, state, key, identity."""
    location = backend_location(customer.backend)
    spec: dict[str, Any] = {
        "stack": name,
        "fluxSource": {
            "sourceRef": {
                "apiVersion": ENGINE.flux_source_api_version,
                "kind": "GitRepository",
                "name": PROGRAM_SOURCE,
            },
        },
        "backend": customer.backend,
        "secretsProvider": customer.secrets_provider,
        "serviceAccountName": WORKSPACE_ACCOUNT,
        "refresh": True,
        "destroyOnFinalize": False,
    }
    if settings.program_dir:
        spec["fluxSource"]["dir"] = settings.program_dir
    if location.kind == "pulumi-cloud":
        host, org = location.parts
        spec["backend"] = f"https://{host}"
        spec["stack"] = f"{org}/{name}"
        spec["envRefs"] = {
            "PULUMI_ACCESS_TOKEN": {
                "type": "Secret",
                "secret": {"name": PULUMI_CLOUD_TOKEN, "key": "accessToken"},
            }
        }
    return spec


def _workspace(customer: CustomerSpec, settings: OperatorSpec, stack: StackSpec) -> Any:
    # The pod template merges into the workspace's pod by container name; the CRD requires
    # `containers` in it (deploy/crds/pulumi.com_stacks.yaml:10306-10307 at v2.9.0), so the
    # workspace's own container is always named (workspace_controller.go:481, v2.9.0).
    container: dict[str, Any] = {"name": "pulumi"}
    pod: dict[str, Any] = {}
    spec: dict[str, Any] = {
        "image": ENGINE.workspace_image,
        "securityProfile": "restricted",
        "resources": {
            "requests": {"cpu": settings.workspace_cpu, "memory": settings.workspace_memory},
            "limits": {"memory": settings.workspace_memory},
        },
        # The Python the lock's hashes are for (`pulumi install` runs the first `python3` on
        # PATH: the image's pyenv shim). The operator puts spec.env on the workspace's
        # container (workspace_controller.go:536,632 at v2.9.0).
        "env": [{"name": PYTHON_SELECTOR, "value": ENGINE.workspace_python}],
    }
    pod_spec: dict[str, Any] = {
        "nodeSelector": {ARCH_LABEL: ENGINE.workspace_arch},  # the lock's wheels' platform
        "containers": [container],
    }
    if stack.dataplane.azure is not None:
        pod["metadata"] = {"labels": {AZURE_USE_LABEL: "true"}}
    onprem = customer.identity.onprem
    if stack.dataplane.onprem is not None and onprem is not None:
        container["env"] = [{"name": "KUBECONFIG", "value": f"{KUBECONFIG_MOUNT}/kubeconfig"}]
        container["volumeMounts"] = [
            {"name": "kubeconfig", "mountPath": KUBECONFIG_MOUNT, "readOnly": True}
        ]
        pod_spec["volumes"] = [
            {"name": "kubeconfig", "secret": {"secretName": onprem.kubeconfig_secret}}
        ]
    pod["spec"] = pod_spec
    spec["podTemplate"] = pod
    return {"spec": spec}


def _stack(
    customer: CustomerSpec,
    settings: OperatorSpec,
    name: str,
    stack: StackSpec,
    *,
    namespace: str,
    labels: dict[str, str],
    needs: list[str],
) -> Any:
    spec = _common_spec(customer, settings, name)
    spec["continueResyncOnCommitMatch"] = False  # applies once per commit; drift is reported
    spec["workspaceTemplate"] = _workspace(customer, settings, stack)
    if needs:
        spec["prerequisites"] = [
            {"name": need, "requirement": {"succeededWithinDuration": settings.prerequisite_within}}
            for need in needs
        ]
    return {
        "apiVersion": ENGINE.stack_api_version,
        "kind": "Stack",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {**labels, "pdpkit.io/stack": name, "pdpkit.io/role": "apply"},
        },
        "spec": spec,
    }


def _drift_stack(
    customer: CustomerSpec,
    settings: OperatorSpec,
    name: str,
    stack: StackSpec,
    *,
    namespace: str,
    labels: dict[str, str],
) -> Any:
    spec = _common_spec(customer, settings, name)
    spec.update(
        {
            "preview": True,
            "continueResyncOnCommitMatch": True,
            "resyncFrequencySeconds": max(60, duration_seconds(settings.drift_interval)),
            "prerequisites": [{"name": name}],
            "updateTemplate": {"spec": {"expectNoChanges": True}},
            "workspaceTemplate": _workspace(customer, settings, stack),
        }
    )
    return {
        "apiVersion": ENGINE.stack_api_version,
        "kind": "Stack",
        "metadata": {
            "name": f"{name}{DRIFT_SUFFIX}",
            "namespace": namespace,
            "labels": {**labels, "pdpkit.io/stack": name, "pdpkit.io/role": "drift-check"},
        },
        "spec": spec,
    }


def kustomization(files: list[str]) -> Any:
    """A kustomization listing the rendered files (for Flux or ``kubectl apply -k``)."""
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": sorted(files),
    }
