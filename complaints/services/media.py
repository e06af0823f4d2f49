"""What a stored file is: its media type sniffed from its content (an allow-list, with
the name's extension only as a cross-check), and what a photo's EXIF block claims
about when and where it was taken (the filer's claim, not a verified fact). Pure
functions over bytes and paths: no database."""
from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import puremagic

from complaints.enums import EvidenceKind
from complaints.models.election import DEFAULT_TIMEZONE


@dataclass(frozen=True)
class MediaType:
    mime: str
    kind: EvidenceKind
    extensions: frozenset[str]
    label: str


ALLOWED: dict[str, MediaType] = {m.mime: m for m in (
    MediaType("image/jpeg", EvidenceKind.PHOTO, frozenset({"jpg", "jpeg", "jpe", "jfif"}), "JPEG"),
    MediaType("image/png", EvidenceKind.PHOTO, frozenset({"png"}), "PNG"),
    MediaType("image/heic", EvidenceKind.PHOTO, frozenset({"heic", "heif", "hif"}), "HEIC"),
    MediaType("video/mp4", EvidenceKind.VIDEO, frozenset({"mp4", "m4v"}), "MP4"),
    MediaType("video/quicktime", EvidenceKind.VIDEO, frozenset({"mov", "qt"}), "MOV"),
    MediaType("audio/mpeg", EvidenceKind.AUDIO, frozenset({"mp3", "mpga"}), "MP3"),
    MediaType("audio/mp4", EvidenceKind.AUDIO, frozenset({"m4a"}), "M4A"),
    MediaType("audio/ogg", EvidenceKind.AUDIO, frozenset({"ogg", "oga", "opus"}), "OGG"),
    MediaType("application/pdf", EvidenceKind.DOCUMENT, frozenset({"pdf"}), "PDF"),
)}

#: What puremagic may call an allowed type (MIME names and extensions it reports).
_MIME_ALIASES = {
    "image/jpeg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/png": "image/png",
    "image/heic": "image/heic", "image/heif": "image/heic", "image/heic-sequence": "image/heic",
    "video/mp4": "video/mp4", "video/quicktime": "video/quicktime", "audio/mpeg": "audio/mpeg",
    "audio/mp3": "audio/mpeg", "audio/mp4": "audio/mp4", "audio/x-m4a": "audio/mp4", "audio/ogg": "audio/ogg",
    "application/ogg": "audio/ogg", "audio/vorbis": "audio/ogg", "audio/x-opus+ogg": "audio/ogg",
    "application/pdf": "application/pdf",
}
_EXT_ALIASES = {ext: m.mime for m in ALLOWED.values() for ext in m.extensions}

#: ISO base media (ftyp) brands, for the HEIC/MP4/MOV/M4A files puremagic does not name.
_FTYP_BRANDS = {
    b"heic": "image/heic", b"heix": "image/heic", b"hevc": "image/heic", b"hevx": "image/heic",
    b"heim": "image/heic", b"heis": "image/heic", b"mif1": "image/heic", b"msf1": "image/heic",
    b"qt  ": "video/quicktime", b"M4A ": "audio/mp4", b"M4B ": "audio/mp4",
    b"isom": "video/mp4", b"iso2": "video/mp4", b"mp41": "video/mp4", b"mp42": "video/mp4",
    b"avc1": "video/mp4", b"M4V ": "video/mp4", b"dash": "video/mp4",
}

ALLOWED_LABEL = "JPEG, PNG, HEIC, MP4, MOV, MP3, M4A, OGG, PDF"


def allowed_extensions() -> list[str]:
    return sorted(_EXT_ALIASES)


def sniff(path: Path, head: bytes) -> MediaType | None:
    """The allowed media type the content is, or None. Decided by content only."""
    try:
        candidates = puremagic.magic_file(str(path))
    except (puremagic.PureError, ValueError, OSError):
        candidates = []
    best: tuple[float, str] | None = None
    for c in candidates:
        mime = _MIME_ALIASES.get((c.mime_type or "").lower()) or _EXT_ALIASES.get(c.extension.lstrip(".").lower())
        if mime and (best is None or c.confidence > best[0]):
            best = (c.confidence, mime)
    if best is not None:
        # puremagic may call an MP4 box a QuickTime one or the other way: the ftyp brand decides.
        brand = _ftyp_brand(head)
        if brand is not None and best[1] in ("video/mp4", "video/quicktime", "audio/mp4", "image/heic"):
            return ALLOWED[brand]
        return ALLOWED[best[1]]
    brand = _ftyp_brand(head)
    return ALLOWED[brand] if brand else None


def _ftyp_brand(head: bytes) -> str | None:
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    major = _FTYP_BRANDS.get(head[8:12])
    if major:
        return major
    box_len = struct.unpack(">I", head[:4])[0]
    for i in range(16, min(box_len, len(head)) - 3, 4):
        compatible = _FTYP_BRANDS.get(head[i:i + 4])
        if compatible:
            return compatible
    return None


def extension_of(filename: str | None) -> str:
    name = (filename or "").strip().rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if "." not in name:
        return ""
    return name.rsplit(".", 1)[1].lower()


# --------------------------------------------------------------------------- EXIF

@dataclass(frozen=True)
class ExifClaim:
    captured_at: dt.datetime | None = None
    lat: float | None = None
    lon: float | None = None


def exif_claim(path: Path, timezone: str = DEFAULT_TIMEZONE) -> ExifClaim:
    """Capture time and GPS position from a JPEG's EXIF block, if present and sane.

    A time without an offset is read in the election's time zone. Anything malformed
    yields an empty claim: metadata never stops an upload."""
    try:
        with path.open("rb") as f:
            tiff = _jpeg_exif(f)
        if tiff is None:
            return ExifClaim()
        return _parse_tiff(tiff, timezone)
    except (OSError, ValueError, TypeError, struct.error, IndexError, ZeroDivisionError, OverflowError):
        return ExifClaim()


def _jpeg_exif(f: BinaryIO) -> bytes | None:
    if f.read(2) != b"\xff\xd8":
        return None
    for _attempt in range(64):
        marker = f.read(2)
        if len(marker) < 2 or marker[0] != 0xFF:
            return None
        if marker[1] in (0xD9, 0xDA):  # end of image, start of scan: no EXIF before the image data
            return None
        length = struct.unpack(">H", f.read(2))[0]
        body = f.read(length - 2)
        if marker[1] == 0xE1 and body.startswith(b"Exif\x00\x00"):
            return body[6:]
    return None


_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8}


def _ifd(tiff: bytes, offset: int, order: str) -> dict[int, Any]:
    entries: dict[int, Any] = {}
    count = struct.unpack(order + "H", tiff[offset:offset + 2])[0]
    for i in range(min(count, 256)):
        base = offset + 2 + 12 * i
        tag, typ, n = struct.unpack(order + "HHI", tiff[base:base + 8])
        size = _TYPE_SIZES.get(typ, 1) * n
        if size <= 4:
            raw = tiff[base + 8:base + 8 + size]
        else:
            at = struct.unpack(order + "I", tiff[base + 8:base + 12])[0]
            raw = tiff[at:at + size]
        if typ == 2:
            entries[tag] = raw.split(b"\x00", 1)[0].decode("ascii", "replace").strip()
        elif typ == 3:
            entries[tag] = [struct.unpack(order + "H", raw[j:j + 2])[0] for j in range(0, len(raw), 2)]
        elif typ == 4:
            entries[tag] = [struct.unpack(order + "I", raw[j:j + 4])[0] for j in range(0, len(raw), 4)]
        elif typ == 5:
            entries[tag] = [struct.unpack(order + "II", raw[j:j + 8]) for j in range(0, len(raw), 8)]
        else:
            entries[tag] = raw
    return entries


def _parse_tiff(tiff: bytes, timezone: str) -> ExifClaim:
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None or struct.unpack(order + "H", tiff[2:4])[0] != 42:
        return ExifClaim()
    ifd0 = _ifd(tiff, struct.unpack(order + "I", tiff[4:8])[0], order)
    exif_at, gps_at = _pointer(ifd0.get(0x8769)), _pointer(ifd0.get(0x8825))
    exif = _ifd(tiff, exif_at, order) if exif_at is not None else {}
    gps = _ifd(tiff, gps_at, order) if gps_at is not None else {}
    captured = _exif_time(exif.get(0x9003) or exif.get(0x9004) or ifd0.get(0x0132),
                          exif.get(0x9011) or exif.get(0x9010), timezone)
    lat = _gps_coord(gps.get(2), gps.get(1), 90)
    lon = _gps_coord(gps.get(4), gps.get(3), 180)
    if lat is None or lon is None:
        lat = lon = None
    return ExifClaim(captured_at=captured, lat=lat, lon=lon)


def _pointer(value: Any) -> int | None:
    """An IFD offset: one LONG or SHORT. Anything else (a RATIONAL, say) points nowhere."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], int):
        return value[0]
    return None


def _exif_time(value: Any, offset: Any, timezone: str) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    moment = dt.datetime.strptime(value[:19], "%Y:%m:%d %H:%M:%S")
    if isinstance(offset, str) and len(offset) == 6 and offset[0] in "+-":
        sign = 1 if offset[0] == "+" else -1
        tz: dt.tzinfo = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    else:
        tz = ZoneInfo(timezone)
    return moment.replace(tzinfo=tz).astimezone(dt.UTC)


def _gps_coord(value: Any, ref: Any, limit: float) -> float | None:
    if not isinstance(value, list) or len(value) != 3 or not all(isinstance(v, tuple) for v in value):
        return None  # GPS positions are three RATIONALs; LONGs or anything else is no claim
    degrees, minutes, seconds = (num / den for num, den in value)
    result = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, str) and ref.upper() in ("S", "W"):
        result = -result
    if not -limit <= result <= limit:
        return None
    return round(result, 7)
