"""Rules across `fleet.yaml` and the stacks: every stack has one owner, every name resolves,
each customer's identities match its stacks' targets, accounts and management model.

Each finding is (key path in fleet.yaml, message); the loader locates it. A path starting
with ``stacks/`` names a stack file instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pdpkit.fleet.model import CustomerSpec, Engine, FleetFinding, FleetSpec
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.enums import ManagementModel, Target
from pdpkit.spec.stack import StackSpec
from pdpkit.spec.suggestions import choices
from pdpkit.spec.yamlmap import KeyPath


def consistency_findings(
    spec: FleetSpec, stacks: Mapping[str, StackSpec], known: Sequence[str]
) -> list[FleetFinding]:
    """What does not hold together; `known` is every stack file's name (`stacks` holds those
    that loaded)."""
    found = _duplicate_names(spec) + _ownership(spec, known) + _waves(spec) + _engine(spec)
    for index, customer in enumerate(spec.customers):
        found += _identity(index, customer, stacks)
    return found


def _duplicate_names(spec: FleetSpec) -> list[FleetFinding]:
    found: list[FleetFinding] = []
    for key, names in (
        ("customers", [c.name for c in spec.customers]),
        ("waves", [w.name for w in spec.waves]),
    ):
        first: dict[str, int] = {}
        for index, name in enumerate(names):
            if name in first:
                found.append(
                    (
                        (key, index, "name"),
                        f"{name!r} is declared twice (first as {key}[{first[name]}]); "
                        "give each a unique name or merge the two",
                    )
                )
            first.setdefault(name, index)
    return found


def _ownership(spec: FleetSpec, known: Sequence[str]) -> list[FleetFinding]:
    found: list[FleetFinding] = []
    owner: dict[str, str] = {}
    for index, customer in enumerate(spec.customers):
        for position, stack in enumerate(customer.stacks):
            path = ("customers", index, "stacks", position)
            if stack not in known:
                found.append(
                    (
                        path,
                        f"no stack {stack!r} in stacks/; {choices(stack, known, 'stacks:')}; "
                        f"fix the name or add stacks/Pulumi.{stack}.yaml "
                        "(`pdp fleet add-customer` scaffolds one)",
                    )
                )
            elif stack in owner:
                found.append(
                    (
                        path,
                        f"stack {stack!r} already belongs to customer {owner[stack]!r}; a stack "
                        "belongs to exactly one customer: remove it from one of them",
                    )
                )
            else:
                owner[stack] = customer.name
    orphans = [s for s in known if s not in owner]
    for stack in orphans:
        found.append(
            (
                ("customers",),
                f"stack {stack!r} (stacks/Pulumi.{stack}.yaml) belongs to no customer; add it "
                "to the `stacks` of its customer (every stack operated is some customer's)",
            )
        )
    return found


def _waves(spec: FleetSpec) -> list[FleetFinding]:
    declared = [w.name for w in spec.waves]
    return [
        (
            ("customers", index, "wave"),
            f"wave {customer.wave!r} is not declared; {choices(customer.wave, declared)} "
            "(add it under `waves:` or use a declared one)",
        )
        for index, customer in enumerate(spec.customers)
        if customer.wave is not None and customer.wave not in declared
    ]


def _engine(spec: FleetSpec) -> list[FleetFinding]:
    if spec.engine is Engine.OPERATOR and spec.operator is None:
        return [
            (
                ("engine",),
                "engine 'operator' needs the `operator:` section (at least `repositoryUrl:`, "
                "this repository as the management cluster clones it; docs/fleet.md)",
            )
        ]
    if spec.engine is not Engine.OPERATOR and spec.operator is not None:
        return [
            (
                ("operator",),
                f"the `operator:` settings are read only by the operator engine, but engine is "
                f"{spec.engine.value!r} (the workflows apply the stacks); set `engine: operator` "
                "to apply with the Pulumi Kubernetes Operator, or remove `operator:`",
            )
        ]
    return []


def _identity(
    index: int, customer: CustomerSpec, stacks: Mapping[str, StackSpec]
) -> list[FleetFinding]:
    found: list[FleetFinding] = []
    base: KeyPath = ("customers", index)
    mine = [(name, stacks[name].dataplane) for name in customer.stacks if name in stacks]
    targets = {plane.target for _, plane in mine}
    for target in Target:
        declared = customer.identity.for_target(target) is not None
        users = sorted(name for name, plane in mine if plane.target is target)
        if users and not declared:
            found.append(
                (
                    (*base, "identity"),
                    f"stacks {', '.join(users)} run on {target.value} but identity has no "
                    f"`{target.value}:`; add the {target.value} identity the customer granted "
                    "(`pdp fleet add-customer` prints the steps)",
                )
            )
        loaded = all(name in stacks for name in customer.stacks)
        if declared and loaded and target not in targets:
            found.append(
                (
                    (*base, "identity", target.value),
                    f"none of the customer's stacks runs on {target.value}; remove this "
                    "identity (an identity nothing uses is one more to leak)",
                )
            )
    for position, (name, plane) in enumerate(mine):
        where: KeyPath = (*base, "stacks", position)
        if plane.management is not customer.management:
            found.append(
                (
                    (*base, "management"),
                    f"stack {name!r} declares management {plane.management.value} but the "
                    f"customer is {customer.management.value}; make them agree (the model "
                    "decides whose account holds the state and who holds the keys)",
                )
            )
        found += _matches_target(where, name, plane, customer)
    return found


def _matches_target(
    where: KeyPath, name: str, plane: DataPlaneSpec, customer: CustomerSpec
) -> list[FleetFinding]:
    """AWS: the role is the stack's. Azure and GCP have nothing in the stack to compare:
    with Azure Lighthouse the identity lives in the vendor's tenant, not the stack's."""
    identity = customer.identity
    found: list[FleetFinding] = []
    if plane.aws is not None and identity.aws is not None:
        role = identity.aws.role_arn
        account = role.split(":")[4]
        if account != plane.aws.account_id:
            found.append(
                (
                    (*where[:2], "identity", "aws", "roleArn"),
                    f"{role} is in account {account} but stack {name!r} deploys into "
                    f"{plane.aws.account_id}; use the role the customer created in that account",
                )
            )
        elif plane.aws.assume_role_arn is not None and plane.aws.assume_role_arn != role:
            found.append(
                (
                    (*where[:2], "identity", "aws", "roleArn"),
                    f"stack {name!r} assumes {plane.aws.assume_role_arn}, not {role}; make "
                    "aws.assumeRoleArn and the customer's identity the same role",
                )
            )
        source = identity.aws.source_role_arn
        ci = plane.ci.identity.role_arn if plane.ci and plane.ci.identity else None
        if (
            source is not None
            and plane.aws.assume_role_arn is not None
            and ci not in {None, source}
        ):
            found.append(
                (
                    (*where[:2], "identity", "aws", "sourceRoleArn"),
                    f"stack {name!r} runs CI as {ci} (ci.identity.roleArn), but {role} trusts "
                    f"only the customer's source role {source}; set the stack's "
                    "ci.identity.roleArn to it (one vendor role per customer: a role shared by "
                    "customers would reach every customer's deployer)",
                )
            )
        if (
            customer.management is ManagementModel.CUSTOMER_SUBSCRIPTION
            and plane.aws.external_id is None
        ):
            found.append(
                (
                    where,
                    f"stack {name!r} assumes a role in the customer's account without "
                    "aws.externalId; set it (`pulumi config set --secret`) and require it in "
                    "the role's trust policy (the confused-deputy guard)",
                )
            )
    return found
