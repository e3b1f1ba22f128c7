"""Components only the on-prem target uses: Harbor, the log stores, the registry pull secret."""
