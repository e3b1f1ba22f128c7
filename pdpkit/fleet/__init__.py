"""The fleet (issue 19)."""
