"""A fake PACS image: a grey chest-X-ray-like picture made with zlib and struct (no imaging library).

8-bit greyscale, 512 x 512, a soft gradient with a lighter body, two darker lung fields, a spine
and film grain. The grain is what keeps the file near 200 KB, like a real (small) radiograph.
"""

import functools
import math
import random
import struct
import zlib

WIDTH = HEIGHT = 512


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _shade(x, y):
    """Brightness 0..1 at normalised coordinates (-1..1)."""
    v = 0.15 + 0.10 * (1 - y) / 2                                     # background gradient
    body = (x / 0.85) ** 2 + ((y - 0.1) / 1.05) ** 2
    if body < 1:
        v += 0.45 * math.sqrt(1 - body)                               # soft tissue
        for cx in (-0.38, 0.38):                                      # lungs are dark
            lung = ((x - cx) / 0.28) ** 2 + ((y + 0.05) / 0.6) ** 2
            if lung < 1:
                v -= 0.30 * math.sqrt(1 - lung)
        if abs(x) < 0.07:
            v += 0.20 * (1 - abs(x) / 0.07)                           # spine
        heart = ((x + 0.12) / 0.25) ** 2 + ((y - 0.25) / 0.22) ** 2
        if heart < 1:
            v += 0.18 * math.sqrt(1 - heart)
    return v


@functools.lru_cache(maxsize=16)
def chest_png(seed):
    """The PNG file for one patient (seeded by the patient ID, so each one differs a little)."""
    rng = random.Random(seed)
    tilt = rng.uniform(-0.04, 0.04)
    rows = bytearray()
    for j in range(HEIGHT):
        y = 2 * j / (HEIGHT - 1) - 1
        rows.append(0)                                                # filter: none
        grain = rng.randbytes(WIDTH)
        for i in range(WIDTH):
            x = 2 * i / (WIDTH - 1) - 1 + tilt * y
            g = int(255 * _shade(x, y)) + (grain[i] & 15) - 8
            rows.append(0 if g < 0 else 255 if g > 255 else g)
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 0, 0, 0, 0)   # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"tEXt", b"Comment\0Sekisho demo EHR - not a real patient image")
            + _chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + _chunk(b"IEND", b""))
