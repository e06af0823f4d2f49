"""The search index: one row of folded words per case (complaints.services.search)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from complaints.db import Base

#: A tsvector on PostgreSQL; SQLite searches through its FTS5 table instead (the
#: column stays empty there).
_TSV: Any = TSVECTOR().with_variant(Text(), "sqlite")


#: SQLite's FTS5 table over case_search (created by its migration, not a model: a
#: virtual table with shadow tables of its own).
FTS_TABLE = "case_search_fts"


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """For Alembic's comparison: the FTS5 table and its shadow tables are no model's."""
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLE))


class CaseSearch(Base):
    """A case's searchable words, folded by complaints.names: every word staff may
    search, and the words of its public register entry."""

    __tablename__ = "case_search"
    __table_args__ = (
        Index("ix_case_search_staff_tsv", "staff_tsv", postgresql_using="gin"),
        Index("ix_case_search_public_tsv", "public_tsv", postgresql_using="gin"),
    )

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), primary_key=True,
                                              autoincrement=False)
    staff_words: Mapped[str] = mapped_column(Text, default="")
    public_words: Mapped[str] = mapped_column(Text, default="")
    staff_tsv: Mapped[Any] = mapped_column(_TSV, nullable=True)
    public_tsv: Mapped[Any] = mapped_column(_TSV, nullable=True)


class SearchWord(Base):
    """Every folded word the index holds once: where a misspelt query word finds its
    nearest real words (trigram similarity on PostgreSQL). It grows with the vocabulary,
    not with the number of cases."""

    __tablename__ = "search_words"
    __table_args__ = (
        Index("ix_search_words_trgm", "word", postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"}),
    )

    word: Mapped[str] = mapped_column(String(60), primary_key=True)
