"""Proof for outsiders (docs/TRUST.md): the history rows as the leaves of an RFC 9162
Merkle tree, signed checkpoints (tree heads) with consistency proofs between them, and
inclusion proofs for a case's public rows.

Storage: the hash of every perfect, aligned subtree of at least BLOCK leaves is kept in
`merkle_nodes` (about n / 128 rows for n leaves); smaller subtrees are recomputed from at
most one block of history rows. A checkpoint extends the stored nodes over the rows added
since the last one only, so its cost is proportional to the new rows plus O(log n).

The leaf of history row seq s is leaf index s - 1; its data is `leaf_data(row)`: the
row's public facts in clear (what the public case page shows of it) plus a salted
SHA-256 commitment to the whole row, so a published leaf discloses nothing private and
the tree still covers every field."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from complaints import access
from complaints.db import utcnow
from complaints.models import CaseHistory, Checkpoint, Complaint, HistoryHead, MerkleNode
from complaints.services import merkle
from complaints.services.audit_keys import (  # noqa: F401  (part of this module's interface)
    CHECKPOINT_FORMAT,
    AuditError,
    checkpoint_message,
    generate_key,
    key_id,
    load_key,
    public_hex,
    signature_ok,
)
from complaints.services.history import _COLUMNS, GENESIS, _ts, canonical, chain_hash

STORED_LEVEL = 8
BLOCK = 1 << STORED_LEVEL
LEAF_VERSION = 1
#: The signed statement; tools/verify_proof.py builds the same bytes.
_SIGNER_LOCK = 0x4172797A  # "Aryz"


# --------------------------------------------------------------------------- leaves

def leaf_data(row: Any) -> bytes:
    """The leaf of one history row (a CaseHistory or a row of `_COLUMNS`)."""
    payload = row.payload or {}
    if row.salt:
        commitment = hashlib.sha256(bytes.fromhex(row.salt) + canonical(row).encode()).hexdigest()
    else:  # rows written before salts existed: the chain hash stands for their content
        commitment = row.hash
    document = payload.get("document") if isinstance(payload.get("document"), dict) else None
    content = {
        "v": LEAF_VERSION, "seq": row.seq, "case": row.complaint_id, "at": _ts(row.at), "action": row.action,
        "from": row.from_state, "to": row.to_state,
        "number": payload.get("registration_number") if row.action == "submit" else None,
        "document": document.get("sha256") if document else None,
        "commitment": commitment,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def rows_between(session: Session, first_seq: int, last_seq: int, batch: int = 5000) -> Iterator[Any]:
    """History rows with first_seq <= seq <= last_seq, in order, as plain rows."""
    cursor = first_seq - 1
    while cursor < last_seq:
        rows = session.execute(select(*_COLUMNS).where(CaseHistory.seq > cursor, CaseHistory.seq <= last_seq)
                               .order_by(CaseHistory.seq).limit(batch)).all()
        if not rows:
            return
        yield from rows
        cursor = rows[-1].seq


class Tree:
    """MTH of any range of leaves, from stored nodes where there are some."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._blocks: dict[int, list[bytes]] = {}
        self._nodes: dict[tuple[int, int], bytes] = {}

    def leaves(self, lo: int, hi: int) -> list[bytes]:
        out: list[bytes] = []
        for b in range(lo // BLOCK, (hi - 1) // BLOCK + 1):
            if b not in self._blocks:
                self._blocks[b] = [merkle.leaf_hash(leaf_data(r))
                                   for r in rows_between(self.session, b * BLOCK + 1, (b + 1) * BLOCK)]
            start = b * BLOCK
            out.extend(self._blocks[b][max(lo - start, 0):hi - start])
        if len(out) != hi - lo:
            raise AuditError(f"history rows seq {lo + 1} to {hi} are not all there ({len(out)} found)")
        return out

    def stored(self, level: int, index: int) -> bytes | None:
        key = (level, index)
        if key not in self._nodes:
            value = self.session.scalar(select(MerkleNode.hash).where(MerkleNode.level == level,
                                                                      MerkleNode.index == index))
            if value is None:
                return None
            self._nodes[key] = bytes(value)
        return self._nodes[key]

    def subtree(self, lo: int, hi: int) -> bytes:
        n = hi - lo
        if n >= BLOCK and n & (n - 1) == 0 and lo % n == 0:
            level = n.bit_length() - 1
            value = self.stored(level, lo >> level)
            if value is not None:
                return value
        if n <= BLOCK:
            return merkle.root_of(self.leaves(lo, hi))
        k = merkle.split(n)
        return merkle.node_hash(self.subtree(lo, lo + k), self.subtree(lo + k, hi))


def extend(session: Session, size: int) -> int:
    """Store the hash of every perfect aligned subtree of >= BLOCK leaves within the first
    `size` leaves that is not stored yet. Returns how many nodes were added."""
    added: dict[tuple[int, int], bytes] = {}
    have = session.scalar(select(func.max(MerkleNode.index)).where(MerkleNode.level == STORED_LEVEL))
    first_block = 0 if have is None else have + 1
    blocks = size // BLOCK
    if first_block < blocks:
        frontier: list[bytes] = []
        b = first_block
        for row in rows_between(session, first_block * BLOCK + 1, blocks * BLOCK):
            frontier.append(merkle.leaf_hash(leaf_data(row)))
            if len(frontier) == BLOCK:
                added[(STORED_LEVEL, b)] = merkle.root_of(frontier)
                frontier, b = [], b + 1
        if b != blocks:
            raise AuditError(f"history rows up to seq {blocks * BLOCK} are not all there")
    level = STORED_LEVEL + 1
    while size >> level:
        top = session.scalar(select(func.max(MerkleNode.index)).where(MerkleNode.level == level))
        for index in range(0 if top is None else top + 1, size >> level):
            children = []
            for child in (2 * index, 2 * index + 1):
                value = added.get((level - 1, child))
                if value is None:
                    value = session.scalar(select(MerkleNode.hash).where(MerkleNode.level == level - 1,
                                                                         MerkleNode.index == child))
                if value is None:
                    raise AuditError(f"stored subtree ({level - 1}, {child}) is missing")
                children.append(bytes(value))
            added[(level, index)] = merkle.node_hash(children[0], children[1])
        level += 1
    if added:
        session.execute(insert(MerkleNode), [{"level": lv, "index": ix, "hash": h}
                                             for (lv, ix), h in sorted(added.items())])
    return len(added)


# --------------------------------------------------------------------------- checkpoints

def latest(session: Session) -> Checkpoint | None:
    return session.scalar(select(Checkpoint).order_by(Checkpoint.tree_size.desc()).limit(1))


def history_size(session: Session) -> int:
    return session.scalar(select(HistoryHead.seq).where(HistoryHead.id == 1)) or 0


def make_checkpoint(session: Session, key: Ed25519PrivateKey, now: dt.datetime | None = None) -> Checkpoint | None:
    """Sign the tree over every history row so far (None when nothing is new). Refuses
    (AuditError) when the rows since the last checkpoint do not chain, or the tree no
    longer extends the last checkpoint: a signature must never bless a rewrite."""
    if session.get_bind().dialect.name == "postgresql":
        # One signer at a time (SQLite transactions already begin with the write lock).
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SIGNER_LOCK})
    size = history_size(session)
    last = latest(session)
    if size == 0 or (last is not None and last.tree_size >= size):
        return None
    start = last.tree_size if last else 0
    prev = GENESIS
    if last is not None:
        prev = session.scalar(select(CaseHistory.hash).where(CaseHistory.seq == start)) or ""
        if prev != last.chain_hash:
            raise AuditError(f"history row seq {start} is not the row the checkpoint signed at "
                             f"{last.signed_at:%Y-%m-%d %H:%M:%S} UTC ended with: the history up to it was "
                             "rewritten (run `flask audit verify --checkpoints`)")
    for row in rows_between(session, start + 1, size):
        if row.prev_hash != prev or chain_hash(prev, row) != row.hash:
            raise AuditError(f"history row seq {row.seq} does not chain: run `flask audit verify`")
        prev = row.hash
    extend(session, size)
    tree = Tree(session)
    root = tree.subtree(0, size).hex()
    proof: list[str] = []
    if last is not None:
        path = merkle.consistency_path(last.tree_size, size, tree.subtree)
        if not merkle.verify_consistency(last.tree_size, size, bytes.fromhex(last.root), bytes.fromhex(root), path):
            raise AuditError(f"the history's first {last.tree_size} rows no longer match the checkpoint "
                             f"signed at {last.signed_at:%Y-%m-%d %H:%M:%S} UTC: run `flask audit verify`")
        proof = [p.hex() for p in path]
    signed_at = (now or utcnow()).astimezone(dt.UTC).replace(microsecond=0)
    public = public_hex(key.public_key())
    signature = base64.b64encode(key.sign(checkpoint_message(size, root, signed_at))).decode()
    cp = Checkpoint(tree_size=size, root=root, signed_at=signed_at, key_id=key_id(public), public_key=public,
                    signature=signature, chain_hash=prev, previous_size=last.tree_size if last else None, consistency=proof)
    session.add(cp)
    session.flush()
    return cp


def checkpoint_due(session: Session, every_rows: int, every_seconds: int, now: dt.datetime | None = None) -> bool:
    """A new checkpoint is due when `every_rows` rows were added since the last one, or
    any row was and the last one is `every_seconds` old."""
    size = history_size(session)
    last = latest(session)
    if last is None:
        return size > 0
    new = size - last.tree_size
    if new <= 0:
        return False
    return new >= every_rows or ((now or utcnow()) - last.signed_at).total_seconds() >= every_seconds


def checkpoint_json(cp: Checkpoint) -> dict[str, Any]:
    return {"tree_size": cp.tree_size, "root": cp.root,
            "signed_at": cp.signed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "key_id": cp.key_id, "public_key": cp.public_key, "signature": cp.signature,
            "previous_size": cp.previous_size, "consistency": list(cp.consistency or [])}


def published(session: Session, after: int = 0, limit: int | None = None) -> dict[str, Any]:
    """The checkpoints as published (GET /api/v1/audit/checkpoints), oldest first."""
    query = select(Checkpoint).where(Checkpoint.tree_size > after).order_by(Checkpoint.tree_size)
    if limit is not None:
        query = query.limit(limit)
    items = [checkpoint_json(cp) for cp in session.scalars(query)]
    keys = sorted({c["public_key"] for c in items})
    return {"format": "aryz-checkpoint v1", "hashing": "RFC 9162 (SHA-256)", "public_keys": keys,
            "checkpoints": items}


def recent(session: Session, limit: int = 50) -> tuple[list[dict[str, Any]], int, list[str]]:
    """The latest `limit` checkpoints (newest first), how many there are, and every key that signed one."""
    items = [checkpoint_json(cp) for cp in session.scalars(select(Checkpoint).order_by(Checkpoint.tree_size.desc())
                                                           .limit(limit))]
    total = session.scalar(select(func.count()).select_from(Checkpoint)) or 0
    keys = sorted(session.scalars(select(Checkpoint.public_key).distinct()))
    return items, total, keys


# --------------------------------------------------------------------------- inclusion proofs

def case_proof(session: Session, case: Complaint) -> dict[str, Any]:
    """The inclusion proof of each public history row of `case` (access.public_history
    decides which) in the latest checkpoint; rows newer than it are listed as pending."""
    cp = latest(session)
    rows = session.execute(select(*_COLUMNS).where(CaseHistory.complaint_id == case.id,
                                                   access.public_history_clause())
                           .order_by(CaseHistory.seq)).all()
    tree = Tree(session)
    entries: list[dict[str, Any]] = []
    pending: list[int] = []
    for row in rows:
        if cp is None or row.seq > cp.tree_size:
            pending.append(row.seq)
            continue
        path = merkle.inclusion_path(row.seq - 1, cp.tree_size, tree.subtree)
        entries.append({"seq": row.seq, "leaf_index": row.seq - 1, "leaf": leaf_data(row).decode(),
                        "audit_path": [p.hex() for p in path]})
    return {"registration_number": case.registration_number, "case": case.id,
            "checkpoint": checkpoint_json(cp) if cp else None, "entries": entries, "pending": pending}


# --------------------------------------------------------------------------- verification against saved checkpoints

@dataclass
class Finding:
    ok: bool
    message: str


def load_checkpoints(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The checkpoints of a saved copy of /api/v1/audit/checkpoints (one page, or a list of pages)."""
    data = json.loads(Path(path).read_text())
    pages = data if isinstance(data, list) else [data]
    items: dict[int, dict[str, Any]] = {}
    for page in pages:
        for c in page.get("checkpoints", []):
            items[int(c["tree_size"])] = c
    return [items[k] for k in sorted(items)]


def verify_checkpoints(session: Session, checkpoints: list[dict[str, Any]],
                       public_keys: Iterable[str] | None = None) -> list[Finding]:
    """Check saved checkpoints: their signatures (by one of `public_keys` when given), the
    consistency proofs between them, and that the history in the database still has
    every signed row and hashes to every signed root. Names where it does not."""
    findings: list[Finding] = []
    trusted = set(public_keys) if public_keys else None
    good: list[dict[str, Any]] = []
    for c in checkpoints:
        size, root = int(c["tree_size"]), str(c["root"])
        if trusted is not None and c.get("public_key") not in trusted:
            findings.append(Finding(False, f"checkpoint of size {size}: signed by key {c.get('public_key')}, "
                                           "which is not a key you trust"))
            continue
        if not signature_ok(str(c.get("public_key")), size, root, str(c.get("signed_at")), str(c.get("signature"))):
            findings.append(Finding(False, f"checkpoint of size {size}: the signature does not verify"))
            continue
        if good:
            prev = good[-1]
            if int(c.get("previous_size") or 0) == int(prev["tree_size"]):
                proof = [bytes.fromhex(p) for p in c.get("consistency") or []]
                if not merkle.verify_consistency(int(prev["tree_size"]), size, bytes.fromhex(prev["root"]),
                                                 bytes.fromhex(root), proof):
                    findings.append(Finding(False, f"checkpoint of size {size} does not extend the checkpoint of "
                                                   f"size {prev['tree_size']}: the published log forked"))
        good.append(c)
    roots: dict[int, str] = {}
    for c in good:
        size = int(c["tree_size"])
        if roots.setdefault(size, c["root"]) != c["root"]:
            findings.append(Finding(False, f"two signed checkpoints of size {size} with different roots: "
                                           "the published log forked"))
    size_now = history_size(session)
    rows_now = session.scalar(select(func.count()).select_from(CaseHistory)) or 0
    frontier = merkle.Frontier()
    targets = sorted({int(c["tree_size"]): c for c in good}.items())
    if not targets:
        findings.append(Finding(False, "no valid checkpoint in the file"))
        return findings
    last_match = 0
    t = 0
    last_seq = targets[-1][0]
    for row in rows_between(session, 1, last_seq):
        if row.seq != frontier.size + 1:
            findings.append(Finding(False, f"history row seq {frontier.size + 1} is missing "
                                           f"(the next row is seq {row.seq})"))
            return findings
        frontier.push(merkle.leaf_hash(leaf_data(row)))
        while t < len(targets) and targets[t][0] == frontier.size:
            size, c = targets[t]
            if frontier.root().hex() != c["root"]:
                findings.append(Finding(False, f"history rows seq {last_match + 1} to {size} were changed after "
                                               f"they were signed: checkpoint of size {size} signed at "
                                               f"{c['signed_at']} no longer matches (rows up to seq {last_match} "
                                               "still do)"))
                return findings
            last_match = size
            t += 1
    if t < len(targets):
        size, c = targets[t]
        findings.append(Finding(False, f"the history ends at seq {frontier.size} ({rows_now} rows, head says "
                                       f"{size_now}) but the checkpoint signed at {c['signed_at']} covers "
                                       f"{targets[-1][0]} rows: rows seq {frontier.size + 1} to {targets[-1][0]} "
                                       "were removed"))
        return findings
    findings.append(Finding(True, f"{len(good)} checkpoint(s) verified; the history's first {last_match} rows "
                                  "match the signed roots"))
    return findings
