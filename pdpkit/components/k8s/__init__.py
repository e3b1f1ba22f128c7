"""Components of the shared Kubernetes system layer."""
