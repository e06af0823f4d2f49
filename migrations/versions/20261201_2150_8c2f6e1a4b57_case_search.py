"""Full-text search: the case_search index (tsvector + GIN on PostgreSQL, FTS5 on SQLite) and its word list (pg_trgm), built for the cases already stored.

Revision ID: 8c2f6e1a4b57
Revises: e5b8c2d4f611
Create Date: 2026-12-01 21:50:00.000000+00:00
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from kyrgyz_transliteration import to_latin
from sqlalchemy.dialects import postgresql

revision: str = '8c2f6e1a4b57'
down_revision: str | None = 'e5b8c2d4f611'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TSV = postgresql.TSVECTOR().with_variant(sa.Text(), 'sqlite')

# The folding of complaints.names as it was when this revision was written.
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


def fold(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = "".join(" " if ch.isspace() else ch for ch in text
                   if ch.isspace() or unicodedata.category(ch) not in ("Cf", "Cc"))
    latin = unicodedata.normalize("NFKD", to_latin(text).translate(_LATIN_LETTERS))
    latin = _APOSTROPHES.sub("", "".join(ch for ch in latin if not unicodedata.combining(ch)).lower())
    words = []
    for word in _WORD.findall(latin):
        if any(ch.isdigit() for ch in word):
            words.append(word)
            continue
        for pattern, replacement in _RULES:
            word = pattern.sub(replacement, word)
        if word:
            words.append(word)
    return words


# (complaint_id, text) pairs: what staff may search, and what the public register shows.
STAFF_SQL = [
    "SELECT id, registration_number FROM complaints",
    "SELECT id, summary FROM complaints",
    "SELECT id, remedy_sought FROM complaints",
    "SELECT id, act_description FROM complaints",
    "SELECT id, place_detail FROM complaints",
    "SELECT id, receiving_body_name FROM complaints",
    "SELECT complaint_id, facts FROM allegations",
    "SELECT complaint_id, legal_provision FROM allegations",
    "SELECT a.complaint_id, c.name FROM allegations a JOIN categories c ON c.id = a.category_id",
    "SELECT cr.complaint_id, r.name FROM complaint_respondents cr JOIN respondents r ON r.id = cr.respondent_id",
    "SELECT c.id, f.name FROM complaints c JOIN filers f ON f.id = c.filer_id",
    "SELECT c.id, f.organisation FROM complaints c JOIN filers f ON f.id = c.filer_id",
    "SELECT complaint_id, body FROM case_notes",
    "SELECT complaint_id, original_name FROM evidence",
    "SELECT complaint_id, reasons FROM decisions",
    "SELECT complaint_id, legal_basis FROM decisions",
    "SELECT complaint_id, remedy FROM decisions",
    "SELECT complaint_id, public_text FROM decisions",
]
PUBLIC_SQL = [
    "SELECT id, registration_number FROM complaints WHERE registration_number IS NOT NULL",
    "SELECT c.id, k.name FROM complaints c JOIN categories k ON k.id = c.primary_category_id "
    "WHERE c.registration_number IS NOT NULL",
    "SELECT c.id, g.name FROM complaints c JOIN regions g ON g.id = c.region_id WHERE c.registration_number IS NOT NULL",
    "SELECT cr.complaint_id, CASE WHEN r.is_public THEN r.name ELSE 'private person' END "
    "FROM complaint_respondents cr JOIN respondents r ON r.id = cr.respondent_id",
    "SELECT c.id, COALESCE(f.organisation, f.name) FROM complaints c JOIN filers f ON f.id = c.filer_id "
    "WHERE f.kind IN ('candidate', 'party', 'state_body', 'ngo')",
    # The latest published decision's public text and its sanctions' respondents.
    "SELECT d.complaint_id, d.public_text FROM decisions d WHERE d.id = (SELECT MAX(d2.id) FROM decisions d2 "
    "WHERE d2.complaint_id = d.complaint_id AND d2.published_at IS NOT NULL)",
    "SELECT d.complaint_id, CASE WHEN r.is_public THEN r.name ELSE 'private person' END FROM sanctions s "
    "JOIN decisions d ON d.id = s.decision_id JOIN respondents r ON r.id = s.respondent_id "
    "WHERE d.id = (SELECT MAX(d2.id) FROM decisions d2 WHERE d2.complaint_id = d.complaint_id "
    "AND d2.published_at IS NOT NULL)",
]


def upgrade() -> None:
    conn = op.get_bind()
    pg = conn.dialect.name == 'postgresql'
    if pg:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        'case_search',
        sa.Column('complaint_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('staff_words', sa.Text(), nullable=False),
        sa.Column('public_words', sa.Text(), nullable=False),
        sa.Column('staff_tsv', TSV, nullable=True),
        sa.Column('public_tsv', TSV, nullable=True),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'],
                                name=op.f('fk_case_search_complaint_id_complaints')),
        sa.PrimaryKeyConstraint('complaint_id', name=op.f('pk_case_search')),
    )
    op.create_index('ix_case_search_staff_tsv', 'case_search', ['staff_tsv'], postgresql_using='gin')
    op.create_index('ix_case_search_public_tsv', 'case_search', ['public_tsv'], postgresql_using='gin')
    op.create_table(
        'search_words',
        sa.Column('word', sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint('word', name=op.f('pk_search_words')),
    )
    op.create_index('ix_search_words_trgm', 'search_words', ['word'], postgresql_using='gin',
                    postgresql_ops={'word': 'gin_trgm_ops'})
    if not pg:
        op.execute("CREATE VIRTUAL TABLE case_search_fts USING fts5(staff_words, public_words, "
                   "content='case_search', content_rowid='complaint_id', prefix='2 3 4')")
        op.execute("CREATE TRIGGER case_search_fts_insert AFTER INSERT ON case_search BEGIN "
                   "INSERT INTO case_search_fts(rowid, staff_words, public_words) "
                   "VALUES (new.complaint_id, new.staff_words, new.public_words); END")
        op.execute("CREATE TRIGGER case_search_fts_delete AFTER DELETE ON case_search BEGIN "
                   "INSERT INTO case_search_fts(case_search_fts, rowid, staff_words, public_words) "
                   "VALUES ('delete', old.complaint_id, old.staff_words, old.public_words); END")
        op.execute("CREATE TRIGGER case_search_fts_update AFTER UPDATE ON case_search BEGIN "
                   "INSERT INTO case_search_fts(case_search_fts, rowid, staff_words, public_words) "
                   "VALUES ('delete', old.complaint_id, old.staff_words, old.public_words); "
                   "INSERT INTO case_search_fts(rowid, staff_words, public_words) "
                   "VALUES (new.complaint_id, new.staff_words, new.public_words); END")
    _build(conn, pg)


def _build(conn: sa.Connection, pg: bool) -> None:
    staff: dict[int, list[str]] = defaultdict(list)
    public: dict[int, list[str]] = defaultdict(list)
    for target, queries in ((staff, STAFF_SQL), (public, PUBLIC_SQL)):
        for sql in queries:
            for cid, value in conn.execute(sa.text(sql)):
                if value:
                    target[cid].extend(fold(value))
    ids = sorted(set(staff) | set(public))
    if pg:
        insert = sa.text("INSERT INTO case_search (complaint_id, staff_words, public_words, staff_tsv, public_tsv) "
                         "VALUES (:id, :s, :p, to_tsvector('simple', :s), to_tsvector('simple', :p))")
    else:
        insert = sa.text("INSERT INTO case_search (complaint_id, staff_words, public_words) VALUES (:id, :s, :p)")
    for start in range(0, len(ids), 1000):
        conn.execute(insert, [{"id": i, "s": " ".join(staff.get(i, [])), "p": " ".join(public.get(i, []))}
                              for i in ids[start:start + 1000]])
    words = sorted({w for ws in staff.values() for w in ws if 3 <= len(w) <= 60 and not w.isdigit()})
    for start in range(0, len(words), 1000):
        conn.execute(sa.text("INSERT INTO search_words (word) VALUES (:w)"),
                     [{"w": w} for w in words[start:start + 1000]])


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        for trigger in ('case_search_fts_insert', 'case_search_fts_delete', 'case_search_fts_update'):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS case_search_fts")
    op.drop_index('ix_search_words_trgm', table_name='search_words')
    op.drop_table('search_words')
    op.drop_index('ix_case_search_public_tsv', table_name='case_search')
    op.drop_index('ix_case_search_staff_tsv', table_name='case_search')
    op.drop_table('case_search')
