from __future__ import annotations

from pdpkit.components.aws.dns_challenge import Route53DnsChallenge, Route53DnsChallengeArgs
from tests.unit.components.aws.recorded import ISSUER, OIDC_ARN, one, policy, run


def test_cert_manager_may_only_write_acme_challenge_txt_records() -> None:
    args = Route53DnsChallengeArgs(
        "apps.acme.example.", "eu-west-1", OIDC_ARN, ISSUER, "cert-manager", "cert-manager"
    )
    solvers: list[object] = []

    def program() -> dict[str, object]:
        challenge = Route53DnsChallenge("dns", args)
        solvers.append(challenge.solver)
        return {"role": challenge.role_arn}

    recording = run(program)
    statements = policy(one(recording, "aws:iam/rolePolicy:RolePolicy"))["Statement"]
    change = next(s for s in statements if s["Action"] == "route53:ChangeResourceRecordSets")
    assert change["Condition"]["ForAllValues:StringEquals"] == {
        "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"]
    }
    assert change["Condition"]["ForAllValues:StringLike"][
        "route53:ChangeResourceRecordSetsNormalizedRecordNames"
    ] == [
        "_acme-challenge.apps.acme.example",
        "_acme-challenge.*.apps.acme.example",
    ]
    wildcard = [s["Action"] for s in statements if s["Resource"] == "*"]
    assert wildcard == ["route53:ListHostedZonesByName"]
    trust = policy(one(recording, "aws:iam/role:Role"), "assumeRolePolicy")["Statement"][0]
    assert trust["Condition"]["StringEquals"][f"{ISSUER.removeprefix('https://')}:sub"] == (
        "system:serviceaccount:cert-manager:cert-manager"
    )
    assert solvers == [{"route53": {"region": "eu-west-1"}}]
