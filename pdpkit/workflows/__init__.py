"""The GitHub workflows `pdp ci generate` writes for a project's stacks and platforms.

Pure functions from validated specs to workflow documents: no Pulumi, no file access.
`generate.generate` is the entry; `steps` holds the pinned actions and common steps,
`ledger` the workflows that change the release ledger (each through a pull request),
`approvals` the required check that ledger approvals are real, `codeowners` the block of
``CODEOWNERS`` lines that gives each ledger to its gates' approvers.
"""
