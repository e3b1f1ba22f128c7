"""AWS components of the EKS data plane. Only this package and `pdpkit.dataplane.aws` import
`pulumi_aws`, always per submodule (``from pulumi_aws import eks``)."""
