"""`IntegrationWorkload`: an integration in one environment, hardened, immutable per revision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.dataplane.contract import GatewayRef
from pdpkit.platform.effective import EffectiveIntegration
from pdpkit.platform.environment_namespace import external_secret_spec
from pdpkit.platform.integration_endpoints import IntegrationEndpoints, IntegrationEndpointsArgs
from pdpkit.platform.names import content_hash, file_key, labels, remote_key, revision_name
from pdpkit.platform.pod_template import PodObjects, pod_template, selector_labels
from pdpkit.policy.releases import UNVERIFIED_RELEASE
from pdpkit.spec.enums import IntegrationKind
from pdpkit.spec.platform import SecretRef


@dataclass(frozen=True)
class IntegrationWorkloadArgs:
    """An integration as deployed to one environment, and where the data plane keeps things."""

    integration: EffectiveIntegration
    secret_store: str
    secret_prefix: str
    external_gateway: GatewayRef
    internal_gateway: GatewayRef
    provider: k8s.Provider
    namespace: pulumi.Resource
    """The environment namespace the workload lives in (created first)."""
    ready: tuple[pulumi.Resource, ...] = ()
    """What custom resources (ExternalSecret, HTTPRoute) wait for."""
    registry_pull_secret: str | None = None
    """The data plane's pull secret for its own registry, if it has one (`DataPlane`)."""
    otlp_endpoint: str | None = None
    """The plane's OTLP collector (`DataPlane.telemetry`); None: no OTEL_* variables."""
    release_problem: str | None = None
    """Why the ledger's release of this integration here fails verification, if it does;
    the workload carries it as an annotation the policy refuses (K8S-RELEASE-VERIFIED)."""


class IntegrationWorkload(pulumi.ComponentResource):
    """Deployment (service), CronJob (scheduled task) or suspended Job (manual task).

    Configuration is immutable: the ConfigMaps and Secrets a revision reads are named
    after a hash of their content, so any change creates new objects and rolls the
    pods; the previous revision's objects go only once the new ones exist.
    """

    workload_name: pulumi.Output[str]
    revision: pulumi.Output[str]

    def __init__(
        self, name: str, args: IntegrationWorkloadArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:platform:IntegrationWorkload", name, None, opts)
        it = args.integration
        ns = it.namespace
        common = {**labels(environment=it.environment, project=it.project), **selector_labels(it)}
        inside = pulumi.ResourceOptions(
            parent=self, provider=args.provider, depends_on=[args.namespace]
        )
        custom = pulumi.ResourceOptions(
            parent=self, provider=args.provider, depends_on=[args.namespace, *args.ready]
        )

        def meta(object_name: str) -> dict[str, Any]:
            return {"name": object_name, "namespace": ns, "labels": common}

        k8s.core.v1.ServiceAccount(
            f"{name}-account",
            metadata=meta(it.name),
            automount_service_account_token=it.service_account_token,
            opts=inside,
        )
        config_name = files_name = secrets_name = pull_name = None
        if it.config:
            config_name = revision_name(f"{it.name}-config", dict(it.config))
            k8s.core.v1.ConfigMap(
                f"{name}-config",
                metadata=meta(config_name),
                data=dict(it.config),
                immutable=True,
                opts=inside,
            )
        if it.config_files:
            files = {file_key(i, f.mount_path): f.content for i, f in enumerate(it.config_files)}
            files_name = revision_name(f"{it.name}-files", files)
            k8s.core.v1.ConfigMap(
                f"{name}-files", metadata=meta(files_name), data=files, immutable=True, opts=inside
            )
        if it.secrets:
            secrets_name = self._external_secret(
                logical=f"{name}-secrets",
                base=f"{it.name}-secrets",
                secrets=dict(it.secrets),
                args=args,
                meta=meta,
                opts=custom,
            )
        if it.image_pull_secret is not None:
            pull_name = self._external_secret(
                logical=f"{name}-pull-secret",
                base=f"{it.name}-pull",
                secrets={".dockerconfigjson": it.image_pull_secret},
                args=args,
                meta=meta,
                opts=custom,
                secret_type="kubernetes.io/dockerconfigjson",  # noqa: S106 (a Secret type)
            )
        env_from_secrets = []
        for ref in it.env_from_secrets:
            target = revision_name(f"{it.name}-env", [ref.key, ref.property])
            spec = external_secret_spec(target, {}, args.secret_store, args.secret_prefix)
            del spec["data"]
            extract = {"key": remote_key(args.secret_prefix, ref.key)}
            if ref.property is not None:
                extract["property"] = ref.property
            spec["dataFrom"] = [{"extract": extract}]
            k8s.apiextensions.CustomResource(
                f"{name}-env-{ref.key.replace('/', '-')}",
                api_version="external-secrets.io/v1",
                kind="ExternalSecret",
                metadata=meta(target),
                spec=spec,
                opts=custom,
            )
            env_from_secrets.append(target)

        objects = PodObjects(
            it.name,
            config_name,
            files_name,
            secrets_name,
            pull_name,
            tuple(env_from_secrets),
            registry_pull_secret=args.registry_pull_secret,
            otlp_endpoint=args.otlp_endpoint,
        )
        revision = content_hash([it.image, config_name, files_name, secrets_name, env_from_secrets])
        template = pod_template(
            it,
            objects,
            {
                "pdpkit.io/revision": revision,
                "pdpkit.io/api-version": it.api_version,
            },
        )
        workload_meta = meta
        if args.release_problem:

            def workload_meta(object_name: str) -> dict[str, Any]:
                marked = {UNVERIFIED_RELEASE: args.release_problem}
                return {**meta(object_name), "annotations": marked}

        workload = self._workload(name, it, workload_meta, template, inside)
        if it.is_service:
            self._service_extras(
                name=name, it=it, args=args, meta=meta, opts=inside, workload=workload
            )
        self.workload_name = workload.metadata.apply(lambda m: str(m["name"]))
        self.revision = pulumi.Output.from_input(revision)
        self.register_outputs({"workload_name": self.workload_name, "revision": self.revision})

    def _external_secret(
        self,
        *,
        logical: str,
        base: str,
        secrets: dict[str, SecretRef],
        args: IntegrationWorkloadArgs,
        meta: Any,
        opts: pulumi.ResourceOptions,
        secret_type: str | None = None,
    ) -> str:
        refs = {k: [v.key, v.property] for k, v in sorted(secrets.items())}
        target = revision_name(base, refs)
        k8s.apiextensions.CustomResource(
            logical,
            api_version="external-secrets.io/v1",
            kind="ExternalSecret",
            metadata=meta(target),
            spec=external_secret_spec(
                target, secrets, args.secret_store, args.secret_prefix, secret_type
            ),
            opts=opts,
        )
        return target

    def _workload(
        self,
        name: str,
        it: EffectiveIntegration,
        meta: Any,
        template: dict[str, Any],
        opts: pulumi.ResourceOptions,
    ) -> Any:  # the SDK's typed Deployment/CronJob/Job (not followed by mypy)
        if it.kind is IntegrationKind.SCHEDULED_TASK:
            return k8s.batch.v1.CronJob(
                f"{name}-cronjob",
                metadata=meta(it.name),
                spec={
                    "schedule": it.schedule,
                    "timeZone": "Etc/UTC",
                    "concurrencyPolicy": "Forbid",
                    "startingDeadlineSeconds": 300,
                    "successfulJobsHistoryLimit": 3,
                    "failedJobsHistoryLimit": 3,
                    "jobTemplate": {"spec": {"backoffLimit": 2, "template": template}},
                },
                opts=opts,
            )
        if it.kind is IntegrationKind.MANUAL_TASK:
            # Suspended: declared (image, configuration, security) but run only on demand by
            # un-suspending it. A Job's template is immutable, so its name carries the revision.
            job_spec = {"suspend": True, "backoffLimit": 2, "template": template}
            return k8s.batch.v1.Job(
                f"{name}-job",
                metadata=meta(revision_name(it.name, job_spec)),
                spec=job_spec,
                opts=opts,
            )
        spec: dict[str, Any] = {
            "selector": {"matchLabels": selector_labels(it)},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
            },
            "minReadySeconds": 10,
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
            "template": template,
        }
        if not it.autoscaling.enabled:
            spec["replicas"] = it.replicas  # with an HPA, the HPA owns the replica count
        return k8s.apps.v1.Deployment(
            f"{name}-deployment", metadata=meta(it.name), spec=spec, opts=opts
        )

    def _service_extras(
        self,
        *,
        name: str,
        it: EffectiveIntegration,
        args: IntegrationWorkloadArgs,
        meta: Any,
        opts: pulumi.ResourceOptions,
        workload: Any,
    ) -> None:
        after = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[workload]))
        if it.autoscaling.enabled:
            k8s.autoscaling.v2.HorizontalPodAutoscaler(
                f"{name}-hpa",
                metadata=meta(it.name),
                spec={
                    "scaleTargetRef": {
                        "apiVersion": "apps/v1",
                        "kind": "Deployment",
                        "name": it.name,
                    },
                    "minReplicas": max(it.replicas, 1),
                    "maxReplicas": max(it.autoscaling.max_replicas, it.replicas, 1),
                    "metrics": [
                        {
                            "type": "Resource",
                            "resource": {
                                "name": "cpu",
                                "target": {
                                    "type": "Utilization",
                                    "averageUtilization": it.autoscaling.target_cpu_utilization,
                                },
                            },
                        }
                    ],
                },
                opts=after,
            )
        if it.replicas > 1:
            k8s.policy.v1.PodDisruptionBudget(
                f"{name}-pdb",
                metadata=meta(it.name),
                spec={
                    "maxUnavailable": 1,
                    "selector": {"matchLabels": selector_labels(it)},
                },
                opts=after,
            )
        if it.endpoints:
            IntegrationEndpoints(
                f"{name}-endpoints",
                IntegrationEndpointsArgs(
                    name=it.name,
                    namespace=it.namespace,
                    api_version=it.api_version,
                    endpoints=it.endpoints,
                    selector=selector_labels(it),
                    labels=meta(it.name)["labels"],
                    external_gateway=args.external_gateway,
                    internal_gateway=args.internal_gateway,
                    endpoint_defaults=it.endpoint_defaults,
                    secret_store=args.secret_store,
                    secret_prefix=args.secret_prefix,
                    provider=args.provider,
                    depends_on=(args.namespace,),
                    ready=args.ready,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
