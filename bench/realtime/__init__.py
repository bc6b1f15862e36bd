"""Helpers of `bench/realtime_fanout.py`: cheap subscriber clients, the bare SSE and bare
python-socketio servers it compares genqueue with, and the feeder that plays 100 jobs'
progress into the bare servers."""
