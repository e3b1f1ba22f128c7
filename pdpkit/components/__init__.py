"""Pulumi ComponentResources with typed Args, one per module; they never read config."""
