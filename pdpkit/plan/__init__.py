"""Offline plan: the stack's program on the SDK's mock monitor, recorded and rendered."""
