"""Components of the on-prem target."""
