<<<<<<< HEAD
"""Pulumi ComponentResources with typed Args; they never read config or files."""
=======
"""Pulumi ComponentResources with typed Args; they never read config."""
>>>>>>> main
