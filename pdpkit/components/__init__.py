"""Pulumi ComponentResources with typed Args; they never read config."""
