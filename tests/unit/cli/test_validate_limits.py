"""`pdp validate` on values the spec's types take but the objects they become refuse (or
silently alter): each is reported at its file and line with the value, what is allowed and
the fix, before anything reaches a cluster or a cloud."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.examples import scratch_project
from tests.unit.cli.test_validate import edit, validate

ONPREM = "stacks/Pulumi.acme-onprem-local.yaml"
AZURE = "stacks/Pulumi.acme-azure-dev.yaml"
AWS = "stacks/Pulumi.acme-aws-prod.yaml"
GCP = "stacks/Pulumi.acme-gcp-staging.yaml"
ORDER_API = "pdp:platform.integrations[0]"
INVOICE_SYNC = "pdp:platform.integrations[1]"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    scratch_project(tmp_path)
    return tmp_path


# (stack file, text replaced, its replacement, key path, what the message must say)
CASES = [
    (
        ONPREM,
        'schedule: "*/15 * * * *"',
        'schedule: "61 * * * *"',
        f"{INVOICE_SYNC}.schedule",
        "is not a Kubernetes CronJob schedule: '61' ends above the minute maximum 59",
    ),
    (
        ONPREM,
        'schedule: "*/15 * * * *"',
        'schedule: "0 3 * * 7"',
        f"{INVOICE_SYNC}.schedule",
        "'7' ends above the day-of-week maximum 6",
    ),
    (
        ONPREM,
        'schedule: "*/15 * * * *"',
        'schedule: "*/15 * * *"',
        f"{INVOICE_SYNC}.schedule",
        "has 4 fields; a schedule has exactly 5",
    ),
    (
        ONPREM,
        'schedule: "*/15 * * * *"',
        'schedule: "CRON_TZ=Europe/Paris 0 3 * * *"',
        f"{INVOICE_SYNC}.schedule",
        "sets a time zone (TZ/CRON_TZ), which Kubernetes refuses in a schedule",
    ),
    (
        ONPREM,
        "requests: {cpu: 250m, memory: 512Mi}",
        'requests: {cpu: "2", memory: 512Mi}',
        f"{ORDER_API}.resources.requests.cpu",
        "request 2 is above the cpu limit 1; Kubernetes requires requests <= limits",
    ),
    (
        ONPREM,
        'limits: {cpu: "1", memory: 1Gi}',
        'limits: {cpu: "1", memory: "0"}',
        f"{ORDER_API}.resources.limits.memory",
        "a memory limit of 0 leaves the container no memory",
    ),
    (
        ONPREM,
        "limits: {cpu: 500m, memory: 512Mi}",
        "limits: {cpu: 500m, memory: 512m}",
        f"{INVOICE_SYNC}.resources.limits.memory",
        "512m is 0.512 bytes (m means milli); did you mean 512Mi?",
    ),
    (
        ONPREM,
        "limits: {cpu: 500m, memory: 512Mi}",
        "limits: {cpu: 2Ki, memory: 512Mi}",
        f"{INVOICE_SYNC}.resources.limits.cpu",
        "2Ki is 2048 CPU cores (Ki is a byte unit)",
    ),
    (
        ONPREM,
        'quota: {cpu: "4", memory: 8Gi, pods: 30}',
        'quota: {cpu: "4", memory: 9000000Ti, pods: 30}',
        "pdp:platform.environments[0].quota.memory",
        "9000000Ti is more than 2^63-1",
    ),
    (
        ONPREM,
        'quota: {cpu: "4", memory: 8Gi, pods: 30}',
        "quota: {cpu: 400m, memory: 8Gi, pods: 30}",
        "pdp:platform.environments[0].quota.cpu",
        "400m is below 500m, the default cpu limit of the environment's LimitRange",
    ),
    (
        ONPREM,
        "autoscaling: {enabled: true, maxReplicas: 4, targetCpuUtilization: 70}",
        "autoscaling: {enabled: true, maxReplicas: 1, targetCpuUtilization: 70}",
        f"{ORDER_API}.autoscaling.maxReplicas",
        "maxReplicas 1 is below replicas 2",
    ),
    (
        ONPREM,
        'schedule: "*/15 * * * *"',
        'schedule: "*/15 * * * *"\n        autoscaling: {enabled: true}',
        f"{INVOICE_SYNC}.autoscaling.enabled",
        "a scheduledTask has no Deployment to autoscale",
    ),
    (
        ONPREM,
        "- {cidr: 10.20.0.0/24, ports: [5432]}",
        "- {cidr: 10.20.0.0/24, ports: [70000]}",
        "pdp:platform.environments[0].egress[0].ports[0]",
        "70000 is not a port; a NetworkPolicy port is 1-65535",
    ),
    (
        ONPREM,
        "- {cidr: 10.20.0.0/24, ports: [5432]}",
        "- {cidr: 10.20.0.0/24, ports: []}",
        "pdp:platform.environments[0].egress[0].ports",
        "an empty port list opens every port of the range",
    ),
    (
        ONPREM,
        'PAGE_SIZE: "50"',
        '"PAGE SIZE": "50"',
        f"{ORDER_API}.config.PAGE SIZE",
        "'PAGE SIZE' cannot be a ConfigMap or Secret key",
    ),
    (
        ONPREM,
        "LOG_LEVEL: debug",
        'LOG_LEVEL: debug\n          "conf/app": x',
        "pdp:platform.environments[0].config.conf/app",
        "'conf/app' cannot be a ConfigMap or Secret key",
    ),
    (
        ONPREM,
        "- mountPath: /home/wso2carbon/conf/deployment.toml",
        "- mountPath: /home/wso2carbon/../../etc/deployment.toml",
        f"{ORDER_API}.configFiles[0].mountPath",
        "has a '.' or '..' segment; write the absolute path without them, e.g. "
        "'/etc/deployment.toml'",
    ),
    (
        ONPREM,
        "- mountPath: /home/wso2carbon/conf/deployment.toml",
        "- mountPath: /tmp",
        f"{ORDER_API}.configFiles[0].mountPath",
        "is a directory every integration mounts",
    ),
    (
        ONPREM,
        'PAGE_SIZE: "50"',
        'PAGE_SIZE: "5\\0"',
        f"{ORDER_API}.config.PAGE_SIZE",
        "contains the control character U+0000 at position 1",
    ),
    (
        ONPREM,
        "tokenSecret: agent/token",
        "tokenSecret: agent/../token",
        "pdp:dataplane.agent.tokenSecret",
        "which has a '.' or '..' segment",
    ),
    (
        ONPREM,
        "zones: [lab-a]",
        'zones: [lab-a]\n          labels: {"node-role.kubernetes.io/worker": ""}',
        "pdp:dataplane.cluster.nodePools[0].labels.node-role.kubernetes.io/worker",
        "is in a Kubernetes namespace the kubelet may not set",
    ),
    (
        ONPREM,
        "zones: [lab-a]",
        'zones: [lab-a]\n          labels: {"team name": apps}',
        "pdp:dataplane.cluster.nodePools[0].labels.team name",
        "label key 'team name' its name part 'team name' is not letters, digits",
    ),
    (
        ONPREM,
        "zones: [lab-a]",
        "zones: [lab-a]\n          taints: [{key: -dedicated, value: apps}]",
        "pdp:dataplane.cluster.nodePools[0].taints[0].key",
        "taint key '-dedicated' its name part '-dedicated' is not letters",
    ),
    (
        ONPREM,
        'hostnames: ["*.apps.lab.acme.example"]',
        'hostnames: ["*.Apps.lab.acme.example"]',
        "pdp:dataplane.gateways.external.hostnames[0]",
        "is not a Gateway API hostname (lowercase letters, digits, '-' and '.', an optional "
        "leading '*.'); write it as *.apps.lab.acme.example",
    ),
    (
        ONPREM,
        'hostnames: ["*.apps.lab.acme.example"]',
        'hostnames: ["https://apps.lab.acme.example"]',
        "pdp:dataplane.gateways.external.hostnames[0]",
        "is not a fully qualified host name",
    ),
    (
        ONPREM,
        'hostnames: ["*.apps.lab.acme.example"]',
        'hostnames: ["apps .lab.acme.example"]',
        "pdp:dataplane.gateways.external.hostnames[0]",
        "is not a fully qualified host name",
    ),
    (
        ONPREM,
        'hostnames: ["*.apps.lab.acme.example"]',
        'hostnames: ["10.0.0.1"]',
        "pdp:dataplane.gateways.external.hostnames[0]",
        "10.0.0.1 is an IP address; Gateway API hostnames are DNS names",
    ),
    (
        ONPREM,
        "interval: 10m",
        "interval: 0s",
        "pdp:dataplane.flux.interval",
        "0s is no interval: Flux would reconcile without pause",
    ),
    (
        ONPREM,
        "serviceCidr: 10.43.0.0/16",
        "serviceCidr: 10.42.128.0/17",
        "pdp:dataplane.network.serviceCidr",
        "10.42.128.0/17 overlaps podCidr 10.42.0.0/16",
    ),
    (
        ONPREM,
        "owner: platform-team",
        "managed-by: me",
        "pdp:dataplane.tags.managed-by",
        "'managed-by' is a tag pdpkit sets itself",
    ),
    (
        AWS,
        "customer: acme",
        "aws:customer: acme",
        "pdp:dataplane.tags.aws:customer",
        "the prefix aws: is reserved for AWS",
    ),
    (
        AZURE,
        "customer: acme",
        "Microsoft-owner: acme",
        "pdp:dataplane.tags.Microsoft-owner",
        "Azure reserves tag names starting with microsoft, azure, windows",
    ),
    (
        GCP,
        "customer: acme",
        "Customer: acme",
        "pdp:dataplane.tags.Customer",
        "'Customer' is not a GCP label key",
    ),
    (
        AZURE,
        "    name: acme-azure-dev",
        "    name: acme-azure-development-with-a-very-long-name-suffix",
        "pdp:dataplane.name",
        "gives the Log Analytics workspace 'acme-azure-development-with-a-very-long-name-"
        "suffix-logs-workspace' (66 characters, at most 63); shorten the data plane name to "
        "48 characters or fewer",
    ),
    (
        AWS,
        "    registry:\n",
        "    registry:\n      name: Acme_PDP\n",
        "pdp:dataplane.registry.name",
        "'Acme_PDP' is not an ECR repository name",
    ),
    (
        AWS,
        "    secretStore:\n",
        "    secretStore:\n      name: aws\n",
        "pdp:dataplane.secretStore.name",
        "'aws' makes the KMS alias 'alias/aws/secrets'; alias/aws/ is reserved",
    ),
    (
        GCP,
        "    name: acme-gcp-staging",
        "    name: 7acme-gcp-staging",
        "pdp:dataplane.name",
        "names the GKE cluster and its VPC (7acme-gcp-staging-vpc), which start with a "
        "lowercase letter",
    ),
    (
        AWS,
        "      retentionDays: 90",
        "      retentionDays: 100",
        "pdp:dataplane.logStorage.retentionDays",
        "100 is not a retention CloudWatch Logs offers",
    ),
    (
        ONPREM,
        "logBucket: pdp-logs",
        "logBucket: PDP_Logs",
        "pdp:dataplane.onprem.logBucket",
        "'PDP_Logs' is not an S3 bucket name",
    ),
    (
        ONPREM,
        "            basePath: /orders\n",
        "            basePath: /orders//../x\n",
        f"{ORDER_API}.endpoints[0].basePath",
        "makes the route path '/orders//../x/v1.2', which Gateway API refuses",
    ),
    (
        ONPREM,
        "track: {branch: main, apiVersion: v1.2}",
        'track: {branch: "feature branch", apiVersion: v1.2}',
        f"{ORDER_API}.track.branch",
        "is not a git branch name; got 'feature branch'",
    ),
    (
        ONPREM,
        "      branch: main",
        "      branch: release..1",
        "pdp:dataplane.flux.branch",
        "is not a git branch name; got 'release..1'",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[3] + "|" + c[2] for c in CASES])
def test_a_value_its_object_refuses_is_located(
    project: Path, capsys: pytest.CaptureFixture[str], case: tuple[str, str, str, str, str]
) -> None:
    stack, old, new, path, message = case
    edit(project / stack, old, new)
    code, output = validate(project, capsys, stack)
    assert code == 1, output
    last_new_line = new.splitlines()[-1].strip()
    line = next(
        i
        for i, text in enumerate((project / stack).read_text().splitlines(), 1)
        if text.strip() == last_new_line or last_new_line in text
    )
    name = Path(stack).name
    located = [t for t in output.splitlines() if f"{name}:{line} {path}" in t]
    assert located, output
    assert any(message in t for t in located), output


def test_the_examples_stay_valid(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = validate(project, capsys)
    assert code == 0, output
