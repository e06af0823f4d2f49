"""The evidence store's audit: recompute every stored file's SHA-256, list the files no
evidence row references, and move those to quarantine (never delete)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints.models import Evidence
from complaints.services.evidence_store import CHUNK, QUARANTINE

#: Where uploads are written while they are hashed; older leftovers are unreferenced.
_TMP_GRACE = dt.timedelta(hours=1)
_NOT_STORE = {"tmp", QUARANTINE, "documents"}


def verify_all(session: Session, evidence_dir: str | os.PathLike[str]) -> list[str]:
    """Recompute every stored file's SHA-256; one line per missing or altered file."""
    problems: list[str] = []
    rows = session.execute(select(Evidence.id, Evidence.complaint_id, Evidence.storage_key, Evidence.sha256)
                           .where(Evidence.storage_key.is_not(None))
                           .order_by(Evidence.id))
    checked: dict[str, str | None] = {}
    for ev_id, case_id, key, sha in rows:
        assert key is not None  # selected for it
        where = f"evidence {ev_id} of case {case_id} ({key})"
        if key not in checked:
            path = Path(evidence_dir) / key
            if not path.is_file():
                checked[key] = None
            else:
                digest = hashlib.sha256()
                with path.open("rb") as f:
                    for chunk in iter(lambda: f.read(CHUNK), b""):
                        digest.update(chunk)
                checked[key] = digest.hexdigest()
        actual = checked[key]
        if actual is None:
            problems.append(f"{where}: file missing")
        elif actual != sha:
            problems.append(f"{where}: SHA-256 is {actual}, expected {sha}")
    return problems


def unreferenced(session: Session, evidence_dir: str | os.PathLike[str]) -> list[str]:
    """Files in the store (relative paths) that no evidence row references: left by a
    request that failed, or by a tampered table. Uploads in progress (tmp/, younger than
    an hour) are not listed."""
    root = Path(evidence_dir)
    if not root.is_dir():
        return []
    referenced = set(session.scalars(select(Evidence.storage_key).where(Evidence.storage_key.is_not(None))))
    out: list[str] = []
    cutoff = dt.datetime.now(dt.UTC) - _TMP_GRACE
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here == root:
            dirnames[:] = [d for d in dirnames if d not in _NOT_STORE - {"tmp"}]
        for name in filenames:
            path = here / name
            rel = path.relative_to(root).as_posix()
            if rel.startswith("tmp/"):
                if dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC) < cutoff:
                    out.append(rel)
            elif rel not in referenced:
                out.append(rel)
    return sorted(out)


def quarantine(evidence_dir: str | os.PathLike[str], relative: list[str]) -> list[Path]:
    """Move the given store files to quarantine/<UTC time>/<same path>; never deletes."""
    root = Path(evidence_dir)
    target_root = root / QUARANTINE / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    moved: list[Path] = []
    for rel in relative:
        source = root / rel
        target = target_root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        moved.append(target)
    return moved
