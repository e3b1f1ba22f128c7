"""ARNs built from the account and region in the spec, so nothing is looked up at plan time."""

from __future__ import annotations

from dataclasses import dataclass


def partition_of(region: str) -> str:
    """The ARN partition of a region (``aws``, ``aws-cn``, ``aws-us-gov``)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


@dataclass(frozen=True)
class Account:
    """Where the data plane lives: account, region and partition."""

    account_id: str
    region: str

    @property
    def partition(self) -> str:
        return partition_of(self.region)

    @property
    def dns_suffix(self) -> str:
        """Suffix of service hostnames (``amazonaws.com``, ``amazonaws.com.cn``)."""
        return "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"

    @property
    def root(self) -> str:
        """The account principal: key policies delegate to IAM through it."""
        return f"arn:{self.partition}:iam::{self.account_id}:root"

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        """``arn:<partition>:<service>:<region>:<account>:<resource>``."""
        region = self.region if regional else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"

    def managed_policy(self, name: str) -> str:
        """ARN of an AWS managed policy (``AmazonEKSClusterPolicy``)."""
        return f"arn:{self.partition}:iam::aws:policy/{name}"

    def service_principal(self, service: str) -> str:
        """A regional service principal (``logs.eu-west-1.amazonaws.com``)."""
        return f"{service}.{self.region}.{self.dns_suffix}"
