"""Fake back ends for the remote providers, served over real HTTP on a loopback port:
an OpenAI-compatible API (`openai_server`) and an asynchronous video API (`video_server`).

Both run in a thread of their own (uvicorn), so sync and async tests, in-process API
servers and `genqueue serve` subprocesses can all reach them. Knobs on `FakeServer`
make the next calls fail, delay answers, and count and record what was asked.
"""
