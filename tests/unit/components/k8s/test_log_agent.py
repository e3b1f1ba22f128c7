import pulumi
import pytest

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


def test_render_output_refuses_a_key_the_pinned_fluent_bit_does_not_know():
    # fluent/fluent-bit v3.2.10 plugins/out_azure_logs_ingestion/azure_logs_ingestion.c:382-425:
    # no auth_type key; an unknown property fails the output's init (src/flb_config_map.c:509)
    with pytest.raises(ValueError, match="auth_type") as error:
        render_output("azure_logs_ingestion", {"auth_type": "managed_identity", "client_id": "x"})
    assert "client_secret" in str(error.value)  # lists what is known
    assert render_output("loki", {"Host": "loki", "auto_kubernetes_labels": True, "tls": False})
