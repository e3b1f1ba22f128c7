"""GCP components of a pdpkit data plane (VPC, GKE, Artifact Registry, Secret Manager, logs)."""
