"""Benchmarks: `make bench` runs `bench/sqlite_throughput.py`."""
