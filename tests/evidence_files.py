"""Tiny real files for evidence tests, made in code: a JPEG with EXIF (capture time
and GPS), a PNG, a PDF, an MP3, and files that pretend to be something else."""
from __future__ import annotations

import struct
import zlib


def _ifd(entries: list[tuple[int, int, int, bytes]], start: int) -> tuple[bytes, bytes]:
    """Little-endian IFD at offset `start`; values over 4 bytes go into the returned data area."""
    head = struct.pack("<H", len(entries))
    data = b""
    data_at = start + 2 + 12 * len(entries) + 4
    for tag, typ, count, value in entries:
        if len(value) <= 4:
            head += struct.pack("<HHI", tag, typ, count) + value.ljust(4, b"\x00")
        else:
            head += struct.pack("<HHII", tag, typ, count, data_at + len(data))
            data += value
            if len(data) % 2:
                data += b"\x00"
    return head + b"\x00\x00\x00\x00", data


def _rationals(*pairs: tuple[int, int]) -> bytes:
    return b"".join(struct.pack("<II", n, d) for n, d in pairs)


def jpeg(with_exif: bool = True, when: str = "2017:10:15 09:30:00", lat: tuple = (42, 52, 30),
         lon: tuple = (74, 36, 0), salt: bytes = b"") -> bytes:
    """A minimal JPEG; EXIF: DateTimeOriginal `when`, GPS N `lat`, E `lon` (deg, min, sec)."""
    body = b""
    if with_exif:
        # Layout: TIFF header (8) | IFD0 | its data | Exif IFD | data | GPS IFD | data
        ifd0_at = 8
        ifd0_size = 2 + 12 * 2 + 4
        exif_at = ifd0_at + ifd0_size
        exif_ifd, exif_data = _ifd([(0x9003, 2, 20, when.encode() + b"\x00")], exif_at)
        gps_at = exif_at + len(exif_ifd) + len(exif_data)
        gps_ifd, gps_data = _ifd([
            (1, 2, 2, b"N\x00"), (2, 5, 3, _rationals((lat[0], 1), (lat[1], 1), (lat[2], 1))),
            (3, 2, 2, b"E\x00"), (4, 5, 3, _rationals((lon[0], 1), (lon[1], 1), (lon[2], 1))),
        ], gps_at)
        ifd0, _ = _ifd([(0x8769, 4, 1, struct.pack("<I", exif_at)), (0x8825, 4, 1, struct.pack("<I", gps_at))],
                       ifd0_at)
        tiff = b"II*\x00" + struct.pack("<I", ifd0_at) + ifd0 + exif_ifd + exif_data + gps_ifd + gps_data
        app1 = b"Exif\x00\x00" + tiff
        body += b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1
    else:
        jfif = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        body += b"\xff\xe0" + struct.pack(">H", len(jfif) + 2) + jfif
    comment = b"aryz test image" + salt
    body += b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return b"\xff\xd8" + body + b"\xff\xd9"


def png(salt: bytes = b"") -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"tEXt", b"Comment\x00" + salt) + \
        chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def pdf(text: str = "Protocol of precinct 1001") -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% " + text.encode() +
            b"\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def mp3() -> bytes:
    return b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + b"\xff\xfb\x90\x64" + b"\x00" * 413


HTML = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(1)</script></body></html>"
