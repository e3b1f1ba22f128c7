"""Components of the gcp target."""
