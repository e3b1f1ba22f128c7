"""The platform layer: environments, integrations, tracks and promotion on top of data planes.

`deploy.deploy_platform` declares the Pulumi resources; `ledger`, `pipeline`,
`promotion` and `revision` are pure and import no Pulumi, so `pdp release`,
`pdp promote` and `pdp releases` stay fast.
"""
