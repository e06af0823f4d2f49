"""What makes the history checkable from outside: stored Merkle subtree hashes and the
signed checkpoints (tree heads) published on /public/audit."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from complaints.db import Base, UTCDateTime
from complaints.models.base import pk


class MerkleNode(Base):
    """MTH of the perfect, aligned subtree of leaves [index * 2^level, (index + 1) * 2^level),
    kept for level >= transparency.STORED_LEVEL only (smaller subtrees are recomputed)."""

    __tablename__ = "merkle_nodes"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class Checkpoint(Base):
    """A signed tree head: (tree_size, root, signed_at) signed with the Ed25519 key, and
    the consistency proof from the previous checkpoint."""

    __tablename__ = "audit_checkpoints"
    __table_args__ = (CheckConstraint("tree_size > 0", name="not_empty"),)

    id: Mapped[int] = pk()
    tree_size: Mapped[int] = mapped_column(BigInteger, unique=True)
    root: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    key_id: Mapped[str] = mapped_column(String(64))
    public_key: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    #: The chain hash of row tree_size when signed (not published): the next checkpoint
    #: compares it, so a rewrite of any earlier row, which changes every later chain hash,
    #: is refused without rehashing the whole history.
    chain_hash: Mapped[str] = mapped_column(String(64))
    previous_size: Mapped[int | None] = mapped_column(BigInteger)
    consistency: Mapped[list[Any]] = mapped_column(JSON, default=list)
