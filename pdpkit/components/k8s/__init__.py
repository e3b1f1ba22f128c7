"""Kubernetes components of the shared system layer (cloud-independent)."""
