"""genqueue against the Redis job queues Python users pick today: `make bench-peers`."""
