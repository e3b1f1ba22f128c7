"""The part of the operator's and Flux's CRD schemas `pdp fleet render` relies on, as JSON
Schema, each field with the line of the CRD it was read from. Not the CRDs themselves
(never committed): every field the renderer writes must be listed here with its upstream
type, and nothing else is allowed (``additionalProperties: false``), so a field the CRD does
not have, or of the wrong type, fails the test.

Stack: pulumi/pulumi-kubernetes-operator v2.9.0 deploy/crds/pulumi.com_stacks.yaml, version
v1 (storage). GitRepository: fluxcd/source-controller v1.8.2
config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml, version v1.
"""

from __future__ import annotations

from typing import Any

_STRING = {"type": "string"}
_BOOL = {"type": "boolean"}


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


_RESOURCE_LIST = {"type": "object", "additionalProperties": {"type": ["string", "integer"]}}

WORKSPACE_SPEC = _object(
    {
        "image": _STRING,  # :1701
        "securityProfile": {"type": "string", "enum": ["baseline", "restricted"]},  # :10383;
        # the two values: operator/api/auto/v1alpha1/workspace_types.go:34-36
        "resources": _object({"requests": _RESOURCE_LIST, "limits": _RESOURCE_LIST}),  # :10323
        "env": {  # :1283, EnvVar items: name required (:1436-1437)
            "type": "array",
            "items": _object({"name": _STRING, "value": _STRING}, ("name",)),
        },
        "podTemplate": _object(  # :1715
            {
                "metadata": _object({"labels": {"type": "object"}}),
                "spec": _object(  # :1734, PodSpec: containers[].name required
                    {
                        "containers": {
                            "type": "array",
                            "items": _object(
                                {
                                    "name": _STRING,
                                    "env": {"type": "array"},
                                    "volumeMounts": {"type": "array"},
                                },
                                ("name",),
                            ),
                        },
                        "volumes": {"type": "array"},
                        "nodeSelector": {  # :7558
                            "type": "object",
                            "additionalProperties": _STRING,
                        },
                    },
                    ("containers",),  # :10306-10307
                ),
            }
        ),
    }
)

STACK_SPEC = _object(
    {
        "stack": _STRING,  # :999, the only required field (:10492-10493)
        "backend": _STRING,  # :77
        "secretsProvider": _STRING,  # :913
        "serviceAccountName": _STRING,  # :990
        "refresh": _BOOL,  # :860
        "destroyOnFinalize": _BOOL,  # :141
        "continueResyncOnCommitMatch": _BOOL,  # :131
        "preview": _BOOL,  # :842
        "resyncFrequencySeconds": {"type": "integer", "minimum": 60},  # :870 (below 60: 60)
        "envRefs": {  # :147, ResourceRef: `type` required, secret.{name,key} required
            "type": "object",
            "additionalProperties": _object(
                {
                    "type": {"enum": ["Env", "FS", "Secret", "Literal"]},
                    "secret": _object({"name": _STRING, "key": _STRING}, ("key", "name")),
                },
                ("type",),
            ),
        },
        "fluxSource": _object(  # :243, sourceRef required, and its three keys
            {
                "sourceRef": _object(
                    {"apiVersion": _STRING, "kind": _STRING, "name": _STRING},
                    ("apiVersion", "kind", "name"),
                ),
                "dir": _STRING,
            },
            ("sourceRef",),
        ),
        "prerequisites": {  # :811, items: name required
            "type": "array",
            "items": _object(
                {
                    "name": _STRING,
                    "requirement": _object({"succeededWithinDuration": _STRING}),
                },
                ("name",),
            ),
        },
        "updateTemplate": _object({"spec": _object({"expectNoChanges": _BOOL})}),  # :1014, :1099
        "workspaceTemplate": _object({"spec": WORKSPACE_SPEC}),  # :1199, spec :1278
    },
    ("stack",),
)

GIT_REPOSITORY_SPEC = _object(
    {
        "url": {"type": "string", "pattern": "^(http|https|ssh)://.*$"},  # :201
        "interval": {"type": "string", "pattern": "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"},  # :99
        "ref": _object({"commit": _STRING}),  # :131, commit :140
        "secretRef": _object({"name": _STRING}, ("name",)),  # :162
    },
    ("interval", "url"),
)

SCHEMAS = {
    ("pulumi.com/v1", "Stack"): STACK_SPEC,
    ("source.toolkit.fluxcd.io/v1", "GitRepository"): GIT_REPOSITORY_SPEC,
}
"""(apiVersion, kind) -> the schema of the object's ``spec``."""
