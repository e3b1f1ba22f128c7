"""Components of the aws target."""
