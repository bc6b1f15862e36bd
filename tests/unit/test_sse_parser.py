"""The SDK's SSE parser, fed line by line as the stream arrives."""

from __future__ import annotations

from genqueue.client.sse import SseMessage, SseParser


def feed(parser: SseParser, text: str) -> list[SseMessage]:
    return [m for line in text.split("\n") if (m := parser.feed(line)) is not None]


def test_events_heartbeats_and_the_last_event_id() -> None:
    parser = SseParser()
    text = (
        'id: 7\nevent: progress\ndata: {"percentage": 40}\n\n'
        ": heartbeat\n\n"
        "data: one\ndata: two\n\n"
        "id: 9\r\nevent: completed\r\ndata:{}\r\n\r\n"
    )
    assert feed(parser, text) == [
        SseMessage("7", "progress", '{"percentage": 40}'),
        SseMessage("7", "message", "one\ntwo"),
        SseMessage("9", "completed", "{}"),
    ]
    assert parser.last_event_id == "9"


def test_an_event_without_data_is_dropped_and_does_not_leak_its_name() -> None:
    parser = SseParser()
    assert feed(parser, "event: progress\n\ndata: x\n\n") == [SseMessage(None, "message", "x")]
