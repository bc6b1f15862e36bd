"""Real media files: PNG stills (standard library only) and WebM videos (PyAV). Their
content follows a seed, so different requests give visibly different files."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import av


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


def webm(width: int, height: int, fps: int, frames: int, seed: str) -> bytes:
    """A WebM (VP8) video browsers play: a bar in the seed's colour sweeping across a
    background, one position per frame, `frames / fps` seconds long. Encoded with PyAV."""
    background, bar = palette(seed, 2)
    out = io.BytesIO()
    with av.open(out, "w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(frames):
            picture = av.VideoFrame(width, height, "rgb24")
            plane = picture.planes[0]
            row = _row(width, (index * width) // max(1, frames), background, bar)
            plane.update((row + b"\x00" * (plane.line_size - len(row))) * height)
            container.mux(stream.encode(picture.reformat(format="yuv420p")))
        container.mux(stream.encode(None))
    return out.getvalue()


def _row(width: int, left: int, background: bytes, bar: bytes) -> bytes:
    bar_width = max(1, width // 8)
    row = bytearray(background * width)
    row[left * 3 : (left + bar_width) * 3] = (bar * bar_width)[: (width - left) * 3]
    return bytes(row)
