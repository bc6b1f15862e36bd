"""The seed systems' own routes, one module per seed system."""
