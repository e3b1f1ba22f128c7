"""pdpkit: private data planes for an integration platform, as code."""

__version__ = "0.1.0"
