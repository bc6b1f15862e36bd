"""The seed systems' own routes, one module per seed, in each seed's own shapes."""
