"""Read the pixels of a PNG, such as a Chromium screenshot, with the standard library only.

Enough of the format for what Chromium writes (8 bits per channel, not interlaced), so tests can
check what a screenshot shows without an imaging library.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG colour type -> channels per pixel: grey, RGB, grey + alpha, RGBA (no palettes).
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    channels: int
    rows: tuple[bytes, ...]

    def pixel(self, x: int, y: int) -> tuple[int, ...]:
        """The channel values of the pixel at column `x`, row `y` (0, 0 is the top left)."""
        start = x * self.channels
        return tuple(self.rows[y][start : start + self.channels])

    def colours(self) -> set[tuple[int, ...]]:
        """Every distinct pixel value of the image: one for a blank image."""
        found: set[tuple[int, ...]] = set()
        for row in set(self.rows):
            found.update(zip(*(row[channel :: self.channels] for channel in range(self.channels))))
        return found


def read_png(path: Path) -> Png:
    """Decode `path`; ValueError for a file that is not a PNG or uses a feature not read here."""
    data = path.read_bytes()
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path} is not a PNG file")
    position = len(SIGNATURE)
    header: tuple[int, ...] = ()
    compressed: list[bytes] = []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length  # length, type, body, CRC
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed.append(body)
        elif kind == b"IEND":
            break
    if not header:
        raise ValueError(f"{path} has no IHDR chunk")
    width, height, bit_depth, colour_type, _, _, interlace = header
    if bit_depth != 8 or colour_type not in CHANNELS or interlace:
        raise ValueError(f"{path}: only 8-bit, non-interlaced grey/RGB(A) PNGs are read here")
    channels = CHANNELS[colour_type]
    raw = zlib.decompress(b"".join(compressed))
    stride = width * channels
    rows: list[bytes] = []
    previous = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        row = _unfilter(raw[start], raw[start + 1 : start + 1 + stride], previous, channels)
        rows.append(row)
        previous = row
    return Png(width, height, channels, tuple(rows))


def _unfilter(method: int, line: bytes, previous: bytes, step: int) -> bytes:
    """Undo one scanline's filter (PNG spec, section 9)."""
    if method == 0:
        return line
    if method == 2:  # Up: most rows of Chromium's screenshots use it, so it gets the fast path
        return bytes((a + b) & 0xFF for a, b in zip(line, previous))
    out = bytearray(line)
    for i in range(len(out)):
        left = out[i - step] if i >= step else 0
        up = previous[i]
        if method == 1:
            predicted = left
        elif method == 3:
            predicted = (left + up) // 2
        elif method == 4:
            up_left = previous[i - step] if i >= step else 0
            estimate = left + up - up_left
            distances = (abs(estimate - left), abs(estimate - up), abs(estimate - up_left))
            predicted = (left, up, up_left)[distances.index(min(distances))]
        else:
            raise ValueError(f"unknown PNG filter type {method}")
        out[i] = (out[i] + predicted) & 0xFF
    return bytes(out)
