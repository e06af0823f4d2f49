"""The evidence store: files streamed in, hashed, sniffed and kept content-addressed
under EVIDENCE_DIR; links; and the audit that recomputes every stored file's hash.

A file is written to a temporary file beside the store while its SHA-256 and size are
computed, synced, then renamed to `ab/cd/<sha256>`. A stored file is never rewritten:
the same content uploaded again (to another case) reuses it. The original name is
metadata only. What a photo's metadata says about when and where it was taken is
recorded as the filer's claim, not as a verified fact (`services.media` sniffs the
type and reads the EXIF)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from complaints.enums import EvidenceKind
from complaints.lifecycle import Action
from complaints.models import Complaint, Evidence, User
from complaints.services.errors import NotPermitted, ValidationError
from complaints.services.media import ALLOWED_LABEL, ExifClaim, MediaType, exif_claim, extension_of, sniff

CHUNK = 64 * 1024
MB = 1024 * 1024


class EvidenceRejected(ValidationError):
    """A file or link refused at intake. `status`: 413 too large, 415 type not allowed
    or content and name disagree, 422 empty or already attached."""

    def __init__(self, message: str, status: int = 422, field: str = "evidence") -> None:
        super().__init__(message, {field: message})
        self.status = status


def clean_name(filename: str | None) -> str:
    """The original name as metadata: no directories, no control characters, at most 255 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-255:] or "file"


def path_for(evidence: Evidence, evidence_dir: str | os.PathLike[str]) -> Path:
    """Where the evidence's file is stored (it may be missing: see verify_all)."""
    if not evidence.storage_key:
        raise ValueError("this evidence is a link, not a file")
    return Path(evidence_dir) / evidence.storage_key


def storage_key(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _read(stream: Any, size: int) -> bytes:
    data = stream.read(size)
    return data if isinstance(data, bytes) else bytes(data or b"")


@dataclass(frozen=True)
class StoredFile:
    """An uploaded file that passed the checks needing no case (size, type, name)."""

    sha256: str
    size: int
    media: MediaType
    name: str

    @property
    def key(self) -> str:
        return storage_key(self.sha256)


def intake_file(session: Session, case: Complaint, stream: BinaryIO, filename: str | None, *, actor: User | None,
                evidence_dir: str | os.PathLike[str], max_file: int, max_case: int,
                description: str | None = None) -> Evidence:
    """Store one uploaded file as evidence of `case` and record it in the history.

    Raises EvidenceRejected (413/415/422) and, from the lifecycle, TransitionError when
    evidence may not be added now."""
    may_add(case, actor)
    root = Path(evidence_dir)
    tmp, received = _receive(stream, filename, root, max_file)
    try:
        # Read from the temporary file: nothing reaches the store before its row is written.
        evidence = _attach(session, case, received, tmp, actor=actor, max_case=max_case, description=description)
        # Last: a refused row or a conflict leaves no file behind. (Should the commit itself
        # fail, `sweep_orphans` removes the file later.)
        if _place(tmp, root, received.key):
            # This request alone added the file: if its transaction rolls back, so does the file.
            session.info.setdefault(_ADDED, []).append(root / received.key)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return evidence


def store_file(stream: BinaryIO, filename: str | None, *, evidence_dir: str | os.PathLike[str],
               max_file: int) -> StoredFile:
    """Put a file into the store before any case has it (a form refused for another
    reason keeps its uploads this way). Writes no row, and the file outlives the request's
    rollback on purpose; a file nobody attaches within ORPHAN_AGE is removed by
    `sweep_orphans`. Raises EvidenceRejected (413/415/422)."""
    root = Path(evidence_dir)
    tmp, received = _receive(stream, filename, root, max_file)
    try:
        _place(tmp, root, received.key)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return received


def stored_file(evidence_dir: str | os.PathLike[str], sha256: str, filename: str | None) -> StoredFile | None:
    """A file `store_file` put into the store, read back by its hash (None when it is gone)."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        return None
    path = Path(evidence_dir) / storage_key(sha256)
    if not path.is_file():
        return None
    name = clean_name(filename)
    with path.open("rb") as f:
        head = f.read(4096)
    try:
        media = _allowed_media(path, head, name)
    except EvidenceRejected:
        return None
    return StoredFile(sha256=sha256, size=path.stat().st_size, media=media, name=name)


def attach_file(session: Session, case: Complaint, stored: StoredFile, *, actor: User | None,
                evidence_dir: str | os.PathLike[str], max_case: int, description: str | None = None) -> Evidence:
    """Make a file `store_file` stored evidence of `case`, with its history row.
    Raises EvidenceRejected (413/422; 422 when the file is no longer there),
    TransitionError, NotPermitted."""
    may_add(case, actor)
    path = Path(evidence_dir) / stored.key
    if not path.is_file():
        raise EvidenceRejected(_("“%(name)s” was not kept; attach it again.", name=stored.name), 422)
    return _attach(session, case, stored, path, actor=actor, max_case=max_case, description=description)


def _receive(stream: BinaryIO, filename: str | None, root: Path, max_file: int) -> tuple[Path, StoredFile]:
    """Stream the upload into a temporary file and check it; the caller places or removes it."""
    tmp_dir = root / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    name = clean_name(filename)
    digest = hashlib.sha256()
    size = 0
    head = b""
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while True:
                chunk = _read(stream, CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_file:
                    raise EvidenceRejected(
                        _("“%(name)s” is larger than %(size)s, the limit for one file.", name=name, size=_mb(max_file)), 413)
                if len(head) < 4096:
                    head += chunk[:4096 - len(head)]
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise EvidenceRejected(_("“%(name)s” is empty.", name=name), 422)
        media = _allowed_media(tmp, head, name)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, StoredFile(sha256=digest.hexdigest(), size=size, media=media, name=name)


def _allowed_media(path: Path, head: bytes, name: str) -> MediaType:
    media = sniff(path, head)
    if media is None:
        raise EvidenceRejected(
            _("“%(name)s” is not a type we accept. Accepted: %(types)s.", name=name, types=ALLOWED_LABEL), 415)
    ext = extension_of(name)
    if ext and ext not in media.extensions:
        raise EvidenceRejected(
            _("“%(name)s” is named .%(ext)s but its content is %(type)s. Rename it or send the right file.",
              name=name, ext=ext, type=media.label),
            415)
    return media


def _place(tmp: Path, root: Path, key: str) -> bool:
    """Move the checked file to its place in the store; False when the store had it already."""
    final = root / key
    if final.exists():
        tmp.unlink()
        return False
    else:
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
        os.chmod(final, 0o440)
        _fsync_dir(final.parent)
        return True


def _attach(session: Session, case: Complaint, received: StoredFile, path: Path, *, actor: User | None,
            max_case: int, description: str | None) -> Evidence:
    """The case's checks (not already attached, the case's total), the row and its history."""
    name, sha, size, media = received.name, received.sha256, received.size, received.media
    if session.scalar(select(Evidence.id).where(Evidence.complaint_id == case.id,
                                                Evidence.sha256 == sha)) is not None:
        raise EvidenceRejected(_("“%(name)s” is already attached to this complaint.", name=name), 422)
    total = session.scalar(select(func.coalesce(func.sum(Evidence.size), 0))
                           .where(Evidence.complaint_id == case.id)) or 0
    if total + size > max_case:
        raise EvidenceRejected(
            _("“%(name)s” would take this complaint's files past %(size)s in all.", name=name, size=_mb(max_case)),
            413)
    claim = exif_claim(path, case.election.timezone) if media.mime == "image/jpeg" else ExifClaim()
    evidence = Evidence(complaint_id=case.id, kind=media.kind, sha256=sha, media_type=media.mime, size=size,
                        storage_key=received.key, original_name=name,
                        description=(description or "").strip() or None, captured_at=claim.captured_at,
                        gps_lat=claim.lat, gps_lon=claim.lon, confidential=True,
                        submitted_by_id=actor.id if actor else None)
    session.add(evidence)
    session.flush()
    _record(session, case, actor, evidence, {
        "sha256": sha, "media_type": media.mime, "size": size, "original_name": name,
        "captured_at_claimed": claim.captured_at, "gps_claimed": [claim.lat, claim.lon] if claim.lat is not None
        else None})
    return evidence


#: Files younger than this are left alone: their upload's transaction may still be open.
ORPHAN_AGE = dt.timedelta(hours=1)


def sweep_orphans(session: Session, evidence_dir: str | os.PathLike[str],
                  older_than: dt.timedelta = ORPHAN_AGE) -> int:
    """Remove what a killed worker or a failed commit left: half-written `tmp/upload-*`
    files, and stored files that no evidence row names. Returns how many were removed."""
    import time

    root = Path(evidence_dir)
    if not root.is_dir():
        return 0
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    tmp_dir = root / "tmp"
    if tmp_dir.is_dir():
        for path in tmp_dir.glob("upload-*"):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    known = set(session.scalars(select(Evidence.storage_key).where(Evidence.storage_key.is_not(None))))
    for path in root.rglob("*"):
        if not path.is_file() or tmp_dir in path.parents or (root / QUARANTINE) in path.parents:
            continue  # quarantined files were moved aside by `audit verify --quarantine`: kept
        key = path.relative_to(root).as_posix()
        if key not in known and path.stat().st_mtime < cutoff and len(path.name) == 64:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def add_link(session: Session, case: Complaint, url: str, *, actor: User | None,
             description: str | None = None) -> Evidence:
    """A link to a publication as evidence (http and https only)."""
    may_add(case, actor)
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in url):
        raise EvidenceRejected(_("“%(url)s” is not a web address (http:// or https://).", url=url[:100]), 422, "links")
    if len(url) > 2000:
        raise EvidenceRejected(_("A link is at most 2000 characters."), 422, "links")
    if session.scalar(select(Evidence.id).where(Evidence.complaint_id == case.id, Evidence.url == url)) is not None:
        raise EvidenceRejected(_("“%(url)s” is already attached to this complaint.", url=url[:100]), 422, "links")
    evidence = Evidence(complaint_id=case.id, kind=EvidenceKind.LINK, url=url,
                        description=(description or "").strip() or None, confidential=True,
                        submitted_by_id=actor.id if actor else None)
    session.add(evidence)
    session.flush()
    _record(session, case, actor, evidence, {"url": url})
    return evidence


def may_add(case: Complaint, actor: User | None) -> None:
    """Refuse before anything is stored when the lifecycle does not allow evidence now
    (TransitionError) or the actor is recused (NotPermitted)."""
    from complaints import access, lifecycle

    who = access.actors(actor, case) if actor is not None else frozenset({lifecycle.SYSTEM})
    lifecycle.check(case.status, Action.ADD_EVIDENCE, who)
    if actor is not None and actor.is_case_staff and access.is_recused(actor, case):
        raise NotPermitted(_("%(name)s is affiliated with a party to this case and is recused from it.",
                             name=actor.display_name))


def _record(session: Session, case: Complaint, actor: User | None, evidence: Evidence,
            info: dict[str, Any]) -> None:
    from complaints.services.cases import apply_action

    apply_action(session, case, Action.ADD_EVIDENCE, actor,
                 {"evidence": {"id": evidence.id, "kind": evidence.kind.value, **info}})


#: Under EVIDENCE_DIR: files no evidence row references are moved here by `audit verify --quarantine`.
QUARANTINE = "quarantine"
_ADDED = "evidence_files_added"


@event.listens_for(Session, "after_commit")
def _files_kept(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the request may still fail
        return
    session.info.pop(_ADDED, None)


@event.listens_for(Session, "after_rollback")
def _files_rolled_back(session: Session) -> None:
    for path in session.info.pop(_ADDED, []):
        Path(path).unlink(missing_ok=True)


def _mb(n: int) -> str:
    return f"{n / MB:g} MB" if n >= MB else f"{n} bytes"
