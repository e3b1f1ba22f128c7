"""Azure components of the data plane; only `pulumi_azure_native` submodules are imported here."""
