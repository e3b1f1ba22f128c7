"""Node labels and taints, and the stack's cloud tags, against what their targets accept.

Node pool labels and taints reach the kubelet (``--node-labels``, ``--register-with-taints``
on AKS, EKS and GKE alike) and the Node object; `dataplane.tags` become AWS tags, Azure
tags or GCP labels. A key the API server, the kubelet or the cloud refuses fails the node
pool or every tagged resource at `pulumi up`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pdpkit.spec.enums import Target
from pdpkit.spec.findings import Finding
from pdpkit.spec.stack import StackSpec

# kubernetes/apimachinery v0.34.1 pkg/util/validation/validation.go:29-35 (qualified name:
# an optional DNS-1123 subdomain prefix and '/', then at most 63 characters matching
# `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`), :154-171 (label values: the same, or empty).
_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
NAME_MAX = 63
SUBDOMAIN_MAX = 253
# The kubelet sets labels in the kubernetes.io and k8s.io namespaces only from a fixed list
# or under node.kubernetes.io/ and kubelet.kubernetes.io/ (kubernetes/kubernetes
# pkg/kubelet/apis/well_known_labels.go `KubeletLabels`, `KubeletLabelNamespaces`); it
# refuses to start with any other ("unknown 'kubernetes.io' or 'k8s.io' labels specified
# with --node-labels", cmd/kubelet/app/options/options.go).
_KUBELET_NAMESPACES = ("node.kubernetes.io", "kubelet.kubernetes.io")
_RESERVED_NAMESPACES = ("kubernetes.io", "k8s.io")

PDPKIT_TAGS = frozenset({"managed-by", "pdp.dev/data-plane", "pdp-data-plane", "pdp-dataplane"})
"""Tags pdpkit sets on every resource itself (`dataplane/aws_account.py`, `azure.py`,
`components/gcp/names.py`): a stack tag of that key would be overwritten silently."""

# AWS: keys 1-128 and values 0-256 Unicode characters of letters, digits, spaces and
# `_ . : / = + - @`; the `aws:` prefix (any case) is reserved for AWS ("Tag naming limits
# and requirements", https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html).
_AWS_TAG = re.compile(r"^[\w\s.:/=+\-@]*$")
AWS_KEY_MAX, AWS_VALUE_MAX = 128, 256
# Azure: tag names at most 512 characters, values at most 256, names cannot contain
# `< > % & \ ? /` (MicrosoftDocs/azure-docs resource-name-rules.md, Microsoft.Resources
# tagNames/tagValues); storage accounts (the log archive) take names of at most 128 (tag-resources
# "Limitations", not re-read here);
# names with the prefixes `microsoft`, `azure` or `windows` are reserved for Azure (Tags -
# Create Or Update, "Tag names cannot have the following prefixes which are reserved for
# Azure use: 'microsoft', 'azure', 'windows'"). Tag names are case-insensitive.
_AZURE_FORBIDDEN = set("<>%&\\?/")
AZURE_KEY_MAX, AZURE_VALUE_MAX = 128, 256
AZURE_RESERVED = ("microsoft", "azure", "windows")
# GCP labels: keys 1-63 characters, starting with a lowercase letter; keys and values
# lowercase letters, digits, `_` and `-` (and international characters, which pdpkit does not
# pass), values at most 63 (cloud.google.com/resource-manager/docs/labels-overview,
# "Requirements for labels"; not re-read here, and the same rule `components/gcp/names.py`
# already cleans tags to). pdpkit would otherwise lowercase and replace characters
# silently (`components/gcp/names.py`), so a tag that is not a label already is an error.
_GCP_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
_GCP_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")


def qualified_name_problem(key: str) -> str | None:
    """Why `key` is not a Kubernetes qualified name (label, annotation or taint key), or None."""
    prefix, _, name = key.rpartition("/")
    if key.count("/") > 1:
        return "has more than one '/'"
    if "/" in key and (len(prefix) > SUBDOMAIN_MAX or not _SUBDOMAIN.match(prefix)):
        return f"its prefix {prefix!r} is not a lowercase DNS subdomain"
    if len(name) > NAME_MAX:
        return f"its name part has {len(name)} characters (at most {NAME_MAX})"
    if not _NAME.match(name):
        return (
            f"its name part {name!r} is not letters, digits, '-', '_' and '.', beginning and "
            "ending with a letter or digit"
        )
    return None


def label_value_problem(value: str) -> str | None:
    """Why `value` is not a Kubernetes label value (empty is fine), or None."""
    if len(value) > NAME_MAX:
        return f"has {len(value)} characters (at most {NAME_MAX})"
    if value and not _NAME.match(value):
        return (
            "is not letters, digits, '-', '_' and '.', beginning and ending with a letter or digit"
        )
    return None


def node_problems(stack: StackSpec) -> Iterator[Finding]:
    """Node pool labels and taints the API server or the kubelet would refuse."""
    for i, pool in enumerate(stack.dataplane.cluster.node_pools):
        where = f"dataplane.cluster.nodePools[{i}]"
        for key, value in pool.labels.items():
            problem = qualified_name_problem(key)
            if problem is not None:
                yield f"{where}.labels.{key}", f"label key {key!r} {problem}; e.g. workload"
                continue
            namespace = key.rpartition("/")[0]
            reserved = any(
                namespace == ns or namespace.endswith("." + ns) for ns in _RESERVED_NAMESPACES
            )
            allowed = any(
                namespace == ns or namespace.endswith("." + ns) for ns in _KUBELET_NAMESPACES
            )
            if reserved and not allowed:
                yield (
                    f"{where}.labels.{key}",
                    f"label key {key!r} is in a Kubernetes namespace the kubelet may not set "
                    "(only node.kubernetes.io/ and kubelet.kubernetes.io/); use your own "
                    "prefix, e.g. acme.example/workload",
                )
            problem = label_value_problem(value)
            if problem is not None:
                yield f"{where}.labels.{key}", f"label value {value!r} {problem}"
        seen: dict[tuple[str, str], int] = {}
        for j, taint in enumerate(pool.taints):
            problem = qualified_name_problem(taint.key)
            if problem is not None:
                yield f"{where}.taints[{j}].key", f"taint key {taint.key!r} {problem}"
            problem = label_value_problem(taint.value)
            if problem is not None:
                yield f"{where}.taints[{j}].value", f"taint value {taint.value!r} {problem}"
            pair = (taint.key, taint.effect)
            if pair in seen:
                # kubernetes/kubernetes pkg/apis/core/validation/validation.go
                # validateNodeTaints: "taints must be unique by key and effect pair"
                yield (
                    f"{where}.taints[{j}]",
                    f"a second taint {taint.key}:{taint.effect} (also taints[{seen[pair]}]); "
                    "taints must be unique by key and effect: remove one",
                )
            seen.setdefault(pair, j)


def tag_problems(stack: StackSpec) -> Iterator[Finding]:
    """Stack tags the target's cloud would refuse, or pdpkit would overwrite."""
    dp = stack.dataplane
    lowered: dict[str, str] = {}
    for key, value in dp.tags.items():
        where = f"dataplane.tags.{key}"
        if key.lower() in PDPKIT_TAGS:
            yield where, f"{key!r} is a tag pdpkit sets itself; choose another key"
            continue
        problem = _tag_problem(dp.target, key, value)
        if problem is not None:
            yield where, problem
        folded = key.lower()
        if dp.target in (Target.AZURE, Target.GCP) and folded in lowered:
            yield (
                where,
                f"{key!r} and {lowered[folded]!r} are one tag on {dp.target.value} (names are "
                "case-insensitive there); keep one",
            )
        lowered.setdefault(folded, key)


def _tag_problem(target: Target, key: str, value: str) -> str | None:
    if target is Target.AWS:
        if key.lower().startswith("aws:") or value.lower().startswith("aws:"):
            return "the prefix aws: is reserved for AWS in tag keys and values; drop it"
        if not key or len(key) > AWS_KEY_MAX or len(value) > AWS_VALUE_MAX:
            return (
                f"AWS tags have keys of 1-{AWS_KEY_MAX} and values of at most "
                f"{AWS_VALUE_MAX} characters"
            )
        if not _AWS_TAG.match(key) or not _AWS_TAG.match(value):
            return "AWS tags allow letters, digits, spaces and _ . : / = + - @ only"
    elif target is Target.AZURE:
        if key.lower().startswith(AZURE_RESERVED):
            return (
                f"Azure reserves tag names starting with {', '.join(AZURE_RESERVED)}; "
                "choose another name"
            )
        if _AZURE_FORBIDDEN & set(key):
            return "Azure tag names cannot contain < > % & \\ ? /"
        if len(key) > AZURE_KEY_MAX or len(value) > AZURE_VALUE_MAX:
            return (
                f"Azure storage accounts take tag names of at most {AZURE_KEY_MAX} and values "
                f"of at most {AZURE_VALUE_MAX} characters"
            )
    elif target is Target.GCP:
        if not _GCP_KEY.match(key):
            return (
                f"{key!r} is not a GCP label key (a lowercase letter, then lowercase letters, "
                "digits, '_' and '-', at most 63)"
            )
        if not _GCP_VALUE.match(value):
            return (
                f"{value!r} is not a GCP label value (lowercase letters, digits, '_' and '-', "
                "at most 63)"
            )
    return None
