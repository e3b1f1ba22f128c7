from __future__ import annotations

from pdpkit.components.aws.vpc_flow_logs import VpcFlowLogs, VpcFlowLogsArgs
from tests.unit.components.aws.recorded import ACCOUNT, KEY_ARN, one, policy, run


def test_all_traffic_into_an_encrypted_group_through_a_scoped_role() -> None:
    args = VpcFlowLogsArgs(
        ACCOUNT, "vpc-0abc", "/pdp/dp/vpc-flow-logs", 90, KEY_ARN, production=True
    )
    recording = run(lambda: {"arn": VpcFlowLogs("flow", args).log_group_arn})
    flow = one(recording, "aws:ec2/flowLog:FlowLog").inputs
    assert (flow["vpcId"], flow["trafficType"], flow["logDestinationType"]) == (
        "vpc-0abc",
        "ALL",
        "cloud-watch-logs",
    )
    group = one(recording, "aws:cloudwatch/logGroup:LogGroup")
    assert (
        group.inputs["kmsKeyId"] == KEY_ARN
        and group.inputs["retentionInDays"] == 90
        and group.protect
    )
    trust = policy(one(recording, "aws:iam/role:Role"), "assumeRolePolicy")["Statement"][0]
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "210987654321"}}
    write = policy(one(recording, "aws:iam/rolePolicy:RolePolicy"))["Statement"][0]
    assert all(
        r.startswith("arn:aws:logs:eu-west-1:210987654321:log-group:/pdp/dp/vpc-flow-logs")
        for r in write["Resource"]
    )
