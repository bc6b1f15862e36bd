"""Real media files made with the standard library only: PNG stills and uncompressed AVI
videos. Their content follows a seed, so different requests give visibly different files."""

from __future__ import annotations

import hashlib
import struct
import zlib


def palette(seed: str, colours: int = 6) -> list[bytes]:
    """`colours` RGB triples derived from the seed."""
    digest = hashlib.sha256(seed.encode()).digest()
    return [digest[i * 3 : i * 3 + 3] for i in range(colours)]


def png(width: int, height: int, seed: str) -> bytes:
    """An RGB PNG of horizontal bands in the seed's palette, with a diagonal stripe."""
    colours = palette(seed)
    band = max(1, height // len(colours))
    rows = bytearray()
    for y in range(height):
        row = bytearray(colours[min(y // band, len(colours) - 1)] * width)
        x = (y * width) // max(1, height)
        row[x * 3 : x * 3 + 3] = b"\xff\xff\xff"
        rows += b"\x00" + row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(bytes(rows), 6)),
            _chunk(b"IEND", b""),
        ]
    )


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, or None when the data is not one."""
    if len(data) < 24 or not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def avi(width: int, height: int, fps: int, frames: int, seed: str) -> bytes:
    """An uncompressed (BI_RGB, 24-bit) AVI: a bar in the seed's colour sweeping across a
    background, one position per frame. FFmpeg and PyAV decode it as `rawvideo`."""
    stride = (width * 3 + 3) & ~3
    background, bar = palette(seed, 2)
    pictures = [
        _frame(width, height, stride, index, frames, background, bar) for index in range(frames)
    ]
    movie = b"".join(_riff_chunk(b"00db", picture) for picture in pictures)
    index = bytearray()
    offset = 4
    for picture in pictures:
        index += b"00db" + struct.pack("<III", 0x10, offset, len(picture))
        offset += 8 + len(picture) + (len(picture) & 1)
    header = _list(b"hdrl", _main_header(width, height, fps, frames, stride * height))
    header += _list(b"strl", _stream_headers(width, height, fps, frames, stride * height))
    body = header + _list(b"movi", movie) + _riff_chunk(b"idx1", bytes(index))
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"AVI " + body


def _frame(
    width: int, height: int, stride: int, index: int, frames: int, background: bytes, bar: bytes
) -> bytes:
    """One bottom-up BGR picture with the bar at this frame's place."""
    left = (index * width) // max(1, frames)
    bar_width = max(1, width // 8)
    row = bytearray(background[::-1] * width)
    row[left * 3 : (left + bar_width) * 3] = (bar[::-1] * bar_width)[: (width - left) * 3]
    padded = bytes(row) + b"\x00" * (stride - width * 3)
    return padded * height


def _main_header(width: int, height: int, fps: int, frames: int, frame_size: int) -> bytes:
    fields = struct.pack(
        "<IIIIIIIIII4I",
        1_000_000 // fps,  # microseconds per frame
        frame_size * fps,  # max bytes per second
        0,
        0x10,  # AVIF_HASINDEX
        frames,
        0,
        1,  # streams
        frame_size,
        width,
        height,
        0,
        0,
        0,
        0,
    )
    return _riff_chunk(b"avih", fields)


def _stream_headers(width: int, height: int, fps: int, frames: int, frame_size: int) -> bytes:
    stream = struct.pack(
        "<4s4sIHHIIIIIIIIhhhh",
        b"vids",
        b"DIB ",
        0,
        0,
        0,
        0,
        1,  # scale
        fps,  # rate: fps frames per second
        0,
        frames,
        frame_size,
        0xFFFFFFFF,
        0,
        0,
        0,
        width,
        height,
    )
    bitmap = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, frame_size, 0, 0, 0, 0)
    return _riff_chunk(b"strh", stream) + _riff_chunk(b"strf", bitmap)


def _riff_chunk(kind: bytes, payload: bytes) -> bytes:
    pad = b"\x00" if len(payload) & 1 else b""
    return kind + struct.pack("<I", len(payload)) + payload + pad


def _list(kind: bytes, payload: bytes) -> bytes:
    return b"LIST" + struct.pack("<I", 4 + len(payload)) + kind + payload
