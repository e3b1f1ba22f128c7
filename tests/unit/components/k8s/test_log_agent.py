import pulumi

from pdpkit.components.k8s.log_agent import LogAgent, LogAgentArgs, render_output


def test_render_output_sorts_parameters_and_spells_booleans_like_fluent_bit():
    text = render_output("loki", {"port": 80, "host": "loki", "tls": False})
    assert text == (
        "[OUTPUT]\n    Name loki\n    Match kube.*\n    host loki\n    port 80\n    tls Off\n"
    )


def test_agent_is_a_flux_release_in_a_privileged_namespace_of_its_own(run):
    recorded = run(
        lambda p: LogAgent(
            "logs",
            LogAgentArgs(
                provider=p,
                output="cloudwatch_logs",
                parameters={"region": "eu-west-1", "log_group_name": pulumi.Output.from_input("g")},
                service_account_annotations={"eks.amazonaws.com/role-arn": "arn"},
                channel="~0.48.0",
            ),
        )
    )
    (namespace,) = recorded.kind("Namespace")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "privileged"
    (release,) = recorded.kind("HelmRelease")
    values = release["spec"]["values"]
    assert "Name cloudwatch_logs" in values["config"]["outputs"]
    assert "log_group_name g" in values["config"]["outputs"]
    assert values["serviceAccount"]["annotations"] == {"eks.amazonaws.com/role-arn": "arn"}
    assert release["spec"]["chart"]["spec"]["version"] == "~0.48.0"
    assert not recorded.releases()  # nothing installed by Pulumi's Helm


def test_agent_namespace_has_a_quota_unlocking_its_critical_priority_class(run):
    recorded = run(
        lambda p: LogAgent(
            "logs", LogAgentArgs(provider=p, output="stackdriver", parameters={"Match": "*"})
        )
    )
    (release,) = recorded.kind("HelmRelease")
    assert release["spec"]["values"]["priorityClassName"] == "system-node-critical"
    (quota,) = recorded.kind("ResourceQuota")
    assert quota["metadata"]["namespace"] == "pdp-logging"
    assert quota["spec"]["scopeSelector"]["matchExpressions"] == [
        {"scopeName": "PriorityClass", "operator": "In", "values": ["system-node-critical"]}
    ]
