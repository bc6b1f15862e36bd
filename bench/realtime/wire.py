"""What the clients read off the wire, done cheaply: the `at` stamp of an event's JSON
without decoding the rest, and WebSocket frames (RFC 6455) in both directions."""

from __future__ import annotations

import base64
import os
import struct
from datetime import datetime

AT_KEY = b'"at":'
OP_TEXT = 0x1
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA


def stamp(payload: bytes) -> float | None:
    """The Unix time after `"at":` in a JSON object (a number, or an ISO 8601 string as
    genqueue's Socket.IO payloads carry it), or None when there is none."""
    start = payload.find(AT_KEY)
    if start < 0:
        return None
    start += len(AT_KEY)
    end = start
    size = len(payload)
    while end < size and payload[end] not in b",}]":
        end += 1
    text = payload[start:end].strip()
    try:
        if text.startswith(b'"'):
            return datetime.fromisoformat(text.strip(b'"').decode()).timestamp()
        return float(text)
    except ValueError:
        return None


def upgrade_request(path: str, host: str, headers: dict[str, str]) -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def client_frame(payload: bytes, opcode: int = OP_TEXT) -> bytes:
    """A masked frame, as clients must send. The mask key is zero (legal: the server only
    requires the mask bit), so the payload goes out as it is."""
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
    elif size < 65536:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
    return header + b"\x00\x00\x00\x00" + payload


def server_frames(buffer: bytearray) -> list[tuple[int, bytes]]:
    """Whole unmasked frames at the start of `buffer` (removed from it) as (opcode, payload);
    a partial frame stays in the buffer. Servers here never fragment small messages."""
    frames: list[tuple[int, bytes]] = []
    offset = 0
    size = len(buffer)
    while size - offset >= 2:
        opcode = buffer[offset] & 0x0F
        length = buffer[offset + 1] & 0x7F
        head = 2
        if length == 126:
            if size - offset < 4:
                break
            length = struct.unpack_from("!H", buffer, offset + 2)[0]
            head = 4
        elif length == 127:
            if size - offset < 10:
                break
            length = struct.unpack_from("!Q", buffer, offset + 2)[0]
            head = 10
        if size - offset < head + length:
            break
        frames.append((opcode, bytes(buffer[offset + head : offset + head + length])))
        offset += head + length
    del buffer[:offset]
    return frames
