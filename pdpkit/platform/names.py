"""Stable Kubernetes names of the platform's objects, derived from the spec only.

A name is part of the stack's state: renaming replaces real objects, so every name
here is a pure function of spec values (never of time, randomness or dict order).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from pdpkit.spec.secret_keys import secret_key

LABEL_PREFIX = "pdpkit.io"
API_ACCESS_LABEL = f"{LABEL_PREFIX}/api-access"
"""Pod label of integrations that may reach the Kubernetes API (they mount a token)."""
"""Prefix of the labels the platform layer puts on its objects."""
TENANT_LABEL = f"{LABEL_PREFIX}/tenant"
"""Label on a project's namespace and pods: the observability tenant (``<project>-
<environment>``, the namespace's name) its logs, traces and metrics are kept in."""
MAX_NAME = 63


def namespace_name(project: str, environment: str) -> str:
    """The namespace of a project in an environment: ``<project>-<environment>``.

    Kept within a DNS label (63 characters): a longer pair is cut and suffixed with a
    hash of both names, so it stays unique and stable.
    """
    name = f"{project}-{environment}"
    if len(name) <= MAX_NAME:
        return name
    digest = content_hash([project, environment], length=8)
    return f"{name[: MAX_NAME - 9].rstrip('-')}-{digest}"


def content_hash(content: Any, length: int = 10) -> str:
    """A short hash of JSON-able content, independent of dict order."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:length]


def revision_name(base: str, content: Any) -> str:
    """``<base>-<hash of content>``: an immutable object; new content, new name, new rollout."""
    digest = content_hash(content)
    return f"{base[: MAX_NAME - len(digest) - 1].rstrip('-')}-{digest}"


def file_key(index: int, mount_path: str) -> str:
    """The ConfigMap key of a mounted configuration file (``0-deployment.toml``)."""
    basename = mount_path.rstrip("/").rsplit("/", 1)[-1]
    return f"{index}-{re.sub(r'[^-._a-zA-Z0-9]', '_', basename)}"[:253]


def remote_key(prefix: str, key: str) -> str:
    """A secret store key under the data plane's prefix: the two concatenated, the prefix
    carrying its separator (``pdp/acme/`` + ``dev/db``, ``pdp-`` + ``dev-db``); never a ``/``
    of its own, which Key Vault and Secret Manager names cannot hold (`spec.secret_keys`)."""
    return secret_key(prefix, key)


def labels(**values: str) -> dict[str, str]:
    """``pdpkit.io/<key>: value`` labels plus the managed-by marker."""
    return {
        "app.kubernetes.io/managed-by": "pdpkit",
        **{f"{LABEL_PREFIX}/{key}": value for key, value in values.items()},
    }
