"""Respondents carry a name key, one for every script and spelling of the name.

Revision ID: 4e1b7a9c2d10
Revises: 5e7a1c3b9d40
Create Date: 2026-12-01 20:30:00.000000+00:00
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from kyrgyz_transliteration import to_latin

revision: str = '4e1b7a9c2d10'
down_revision: str | None = '5e7a1c3b9d40'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The name key as complaints.names computed it when this revision was written (a
# migration keeps its own copy: it must give the same keys whatever the code says later).
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0]
    + list(range(0x200B, 0x2010)) + list(range(0x202A, 0x202F)) + list(range(0x2060, 0x2070)))
_LATIN_LETTERS = str.maketrans({"ı": "i", "ş": "sh", "ç": "ch", "ğ": "g", "ñ": "n", "ŋ": "n",
                                "ә": "a", "ғ": "g", "қ": "k", "ұ": "u", "һ": "h", "і": "i"})
_APOSTROPHES = re.compile("['ʼʻ’`´ʹʺ]")
_WORD = re.compile(r"[a-z0-9]+")
_RULES = tuple((re.compile(p), r) for p, r in (
    (r"dzh|dj|zh", "j"), (r"kh|x", "h"), (r"q", "k"), (r"w", "v"), (r"y", "i"), (r"^ie", "e"),
    (r"(?<=[bcdfghjklmnprstvz])io", "e"), (r"ng", "n"), (r"(.)\1+", r"\1"),
    (r"(?<=[aeou])i(?=[aeou])", ""), (r"(.)\1+", r"\1"),
))


def name_key(name: str) -> str:
    text = unicodedata.normalize("NFC", name).translate(_INVISIBLE)
    text = "".join(" " if ch.isspace() else ch for ch in text
                   if ch.isspace() or unicodedata.category(ch) not in ("Cf", "Cc"))
    latin = unicodedata.normalize("NFKD", to_latin(text).translate(_LATIN_LETTERS))
    latin = _APOSTROPHES.sub("", "".join(ch for ch in latin if not unicodedata.combining(ch)).lower())
    words = []
    for word in _WORD.findall(latin):
        if not any(ch.isdigit() for ch in word):  # numbers stay as written
            for pattern, replacement in _RULES:
                word = pattern.sub(replacement, word)
        if word:
            words.append(word)
    return " ".join(sorted(words))[:200]


def upgrade() -> None:
    with op.batch_alter_table('respondents') as batch:
        batch.add_column(sa.Column('name_key', sa.String(length=200), nullable=False, server_default=''))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, name FROM respondents")).all()
    update = sa.text("UPDATE respondents SET name_key = :key WHERE id = :id")
    for start in range(0, len(rows), 1000):
        conn.execute(update, [{"id": r.id, "key": name_key(r.name or "")} for r in rows[start:start + 1000]])
    with op.batch_alter_table('respondents') as batch:
        batch.alter_column('name_key', server_default=None)
        batch.create_index('ix_respondents_name_key', ['name_key'])


def downgrade() -> None:
    with op.batch_alter_table('respondents') as batch:
        batch.drop_index('ix_respondents_name_key')
        batch.drop_column('name_key')
