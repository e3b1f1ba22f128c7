"""Components of the azure target."""
