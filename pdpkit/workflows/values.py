"""Every spec value a generated workflow carries, checked again against its grammar.

`pdp validate` refuses these values with a located message (the spec's types); this is the
generator's own assertion, so a value that reached it some other way (a spec built in code,
a future field) can never become shell text or a ``${{ }}`` expression. Scripts receive spec
values through ``env:`` only; the grammars below also keep them out of expressions.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from pdpkit.spec.base import DnsName
from pdpkit.spec.formats import (
    GcpServiceAccount,
    GitBranch,
    IamRoleArn,
    ImageRepository,
    RegistryHost,
    RunnerLabel,
    StackName,
    Uuid,
    WorkloadIdentityProvider,
)
from pdpkit.spec.platform import LEDGER_PATH_PATTERN

GRAMMARS: dict[str, Any] = {
    "stack": StackName,
    "name": DnsName,
    "branch": GitBranch,
    "image repository": ImageRepository,
    "registry": RegistryHost,
    "runner label": RunnerLabel,
    "role ARN": IamRoleArn,
    "UUID": Uuid,
    "workload identity provider": WorkloadIdentityProvider,
    "service account": GcpServiceAccount,
}
"""What each kind of value must be: the spec's own types."""
_PATH = re.compile(LEDGER_PATH_PATTERN)
_REGION = re.compile(r"[a-z][a-z0-9-]{0,62}")


class UnsafeWorkflowValueError(ValueError):
    """A value that does not match its grammar was about to be written into a workflow."""


@cache
def _adapter(kind: str) -> TypeAdapter[str]:
    return TypeAdapter(GRAMMARS[kind])


def checked(kind: str, value: object) -> str:
    """`value` if it is a `kind` (a key of `GRAMMARS`, or "path" / "region"); else raise."""
    text = str(value)
    if kind == "path":
        ok = _PATH.fullmatch(text) is not None
    elif kind == "region":
        ok = _REGION.fullmatch(text) is not None
    else:
        try:
            _adapter(kind).validate_python(text)
            ok = True
        except ValidationError:
            ok = False
    if not ok or "\n" in text:
        raise UnsafeWorkflowValueError(
            f"refusing to write {kind} {text!r} into a workflow: it is not a valid {kind} "
            "(run `pdp validate`)"
        )
    return text
