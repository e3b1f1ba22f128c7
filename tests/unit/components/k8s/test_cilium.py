from pdpkit.components.k8s.cilium import Cilium, CiliumArgs
from pdpkit.spec.enums import TransparentEncryption
from pdpkit.versions import chart


def test_wireguard_and_hubble_relay_by_default(run):
    recorded = run(lambda p: Cilium("c", CiliumArgs(provider=p, cluster_name="dp1")))
    release = recorded.releases()["cilium"]
    assert release["namespace"] == "kube-system"
    assert release["version"] == chart("cilium").version
    assert release["repositoryOpts"]["repo"] == "https://helm.cilium.io"
    values = release["values"]
    assert values["encryption"] == {"enabled": True, "type": "wireguard", "nodeEncryption": False}
    assert values["hubble"]["relay"]["enabled"] is True
    assert values["hubble"]["ui"]["enabled"] is False
    assert values["cluster"]["name"] == "dp1"
    assert values["policyCIDRMatchMode"] == ["nodes"]


def test_ipsec_reads_its_key_secret_and_off_disables(run):
    ipsec = run(
        lambda p: Cilium(
            "c", CiliumArgs(provider=p, cluster_name="x", encryption=TransparentEncryption.IPSEC)
        )
    ).releases()["cilium"]["values"]["encryption"]
    assert ipsec == {"enabled": True, "type": "ipsec", "ipsec": {"secretName": "cilium-ipsec-keys"}}
    off = run(
        lambda p: Cilium(
            "c", CiliumArgs(provider=p, cluster_name="x", encryption=TransparentEncryption.OFF)
        )
    ).releases()["cilium"]["values"]["encryption"]
    assert off == {"enabled": False}


def test_target_values_merge_deeply_and_version_overrides(run):
    values = {"hubble": {"relay": {"replicas": 2}}, "eni": {"enabled": True}}
    release = run(
        lambda p: Cilium(
            "c", CiliumArgs(provider=p, cluster_name="x", values=values, version="1.18.0")
        )
    ).releases()["cilium"]
    assert release["version"] == "1.18.0"
    assert release["values"]["hubble"]["relay"] == {"enabled": True, "replicas": 2}
    assert release["values"]["eni"] == {"enabled": True}
