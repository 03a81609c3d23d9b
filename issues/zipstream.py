"""A zip archive written as a stream, in flat memory, for exporting many issues at once.

Python's zipfile keeps an object per entry until it writes the index (the central directory)
at the end; for 100,000 documents that, and the fragmentation it causes, grows the process by
over 100 MB. Here each entry is sent as soon as it is compressed and its index record goes to
a temporary file, so memory stays flat whatever the number of documents. ZIP64 records are
added when the archive needs them (more than 65,534 entries or offsets past 4 GiB).
"""

import struct
import tempfile
import zlib

UTF8_NAMES = 0x0800
DEFLATED = 8
MADE_BY_UNIX = 3 << 8
FILE_MODE = 0o100644 << 16
MAX16 = 0xFFFF
MAX32 = 0xFFFFFFFF


def _dos_time(when):
    year, month, day, hour, minute, second = when
    return hour << 11 | minute << 5 | second // 2, max(year - 1980, 0) << 9 | month << 5 | day


def iter_zip(files):
    """The bytes of a zip of ``files``, an iterable of (name, text, (Y, M, D, h, m, s))."""
    offset = count = 0
    with tempfile.SpooledTemporaryFile(max_size=1 << 20) as index:
        for name, text, when in files:
            name = name.encode("utf-8")
            data = text.encode("utf-8")
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            body = compressor.compress(data) + compressor.flush()
            crc = zlib.crc32(data)
            time, date = _dos_time(when)
            entry = (UTF8_NAMES, DEFLATED, time, date, crc, len(body), len(data), len(name))
            local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, *entry, 0)
            zip64 = struct.pack("<HHQ", 1, 8, offset) if offset >= MAX32 else b""
            version = 45 if zip64 else 20
            index.write(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    MADE_BY_UNIX | version,
                    version,
                    *entry,
                    len(zip64),
                    0,
                    0,
                    0,
                    FILE_MODE,
                    MAX32 if zip64 else offset,
                )
                + name
                + zip64
            )
            yield local + name + body
            offset += len(local) + len(name) + len(body)
            count += 1

        size = index.tell()
        index.seek(0)
        while chunk := index.read(1 << 16):
            yield chunk

    end = b""
    if count >= MAX16 or offset >= MAX32 or size >= MAX32:
        record = struct.pack(
            "<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size, offset
        )
        locator = struct.pack("<IIQI", 0x07064B50, 0, offset + size, 1)
        end = record + locator
        count, size, offset = MAX16, min(size, MAX32), MAX32
    yield end + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, size, offset, 0)
