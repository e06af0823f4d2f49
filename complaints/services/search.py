"""Full-text search over cases, for staff (everything a case says) and for the public
(what the public register shows, nothing else).

Every case has one `case_search` row holding its words folded by `complaints.names`
(Cyrillic and Latin spellings become one ASCII form: "Жээнбеков", "Jeenbekov" and
"Dzheenbekov" are all "jenbekov"; "плакаты" is "plakati"). A query is folded the same
way and each of its words is looked up as a prefix, cut by two letters when it is long
enough: "плакаты" looks for "plaka*", which finds плакат, плаката and плакаты, and
the Kyrgyz "баннерди" finds "баннер". Kyrgyz has no stemmer; the cut prefix serves both
languages. A word found nowhere is replaced by the nearest indexed words (trigram
similarity on PostgreSQL, `pg_trgm`; a similarity ratio on SQLite), so a misspelling
still finds the case.

Engines: PostgreSQL, a `tsvector` of the folded words with a GIN index, ranked by
`ts_rank`; SQLite, an FTS5 table over `case_search` (kept in step by triggers), ranked
by bm25. The row is rewritten in the transaction of every change to the case (the
`ON_CHANGE` hook of `complaints.services.cases`).

Public words come from `register.public_entry`, the one definition of what the public
may know, so public search can never match a private field: the summary and the
allegations' facts are not published and are not searched from the register.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, Integer, Select, cast, delete, func, literal_column, select, text
from sqlalchemy.orm import Session, selectinload

from complaints.models import (
    Allegation,
    CaseNote,
    CaseSearch,
    Complaint,
    ComplaintRespondent,
    Decision,
    Evidence,
    Sanction,
    SearchWord,
)
from complaints.names import name_words
from complaints.services.register import public_entry

__all__ = ["Match", "highlight", "match", "public_words", "reindex", "similar_to", "staff_words", "terms"]

#: What `staff_words` and `public_words` read, loaded together for a batch.
_EAGER = (selectinload(Complaint.allegations).selectinload(Allegation.category),
          selectinload(Complaint.respondent_links).selectinload(ComplaintRespondent.respondent),
          selectinload(Complaint.filer), selectinload(Complaint.election), selectinload(Complaint.region),
          selectinload(Complaint.primary_category), selectinload(Complaint.appeals),
          selectinload(Complaint.decisions).selectinload(Decision.sanctions).selectinload(Sanction.respondent))
#: A query uses its first words only.
MAX_TERMS = 6
#: Words this long or longer are looked up by a prefix two letters shorter.
CUT_FROM = 6
#: Ranks are compared as whole numbers (a page's cursor carries one): the engine's
#: score times this.
RANK_SCALE = 1_000_000
#: Nearest indexed words tried for a word found nowhere.
FUZZY_WORDS = 3


@lru_cache(maxsize=20_000)
def _fold_text(text_: str) -> str:
    return " ".join(name_words(text_))


def _fold(parts: Iterable[str | None]) -> str:
    return " ".join(f for f in (_fold_text(p) for p in parts if p) if f)


def staff_words(session: Session, case: Complaint, notes: list[str] | None = None,
                files: list[str | None] | None = None) -> str:
    """Every searchable word of the case for staff: number, summary, allegations (facts
    and legal basis), respondents, filer and organisation, notes, evidence file names,
    decisions. `notes` and `files` (note bodies, evidence file names) are read when
    not given."""
    parts: list[str | None] = [case.registration_number, case.summary, case.remedy_sought, case.act_description,
                               case.place_detail, case.receiving_body_name]
    for a in case.allegations:
        parts += [a.facts, a.legal_provision, a.category.name if a.category else None]
    for r in case.respondents:
        parts.append(r.name)
    if case.filer is not None:
        parts += [case.filer.name, case.filer.organisation]
    if notes is None:
        notes = list(session.scalars(select(CaseNote.body).where(CaseNote.complaint_id == case.id)))
    if files is None:
        files = list(session.scalars(select(Evidence.original_name).where(Evidence.complaint_id == case.id)))
    parts += notes
    parts += files
    for d in case.decisions:
        parts += [d.reasons, d.legal_basis, d.remedy, d.public_text]
    return _fold(parts)


def public_words(case: Complaint) -> str:
    """The words of what the public register shows of the case (nothing for a draft)."""
    if case.registration_number is None:
        return ""
    entry = public_entry(case)
    parts: list[str | None] = [entry["registration_number"], entry["category"], entry["region"], entry["reasons"]]
    parts += [r["name"] for r in entry["respondents"]]
    if entry["filer"]:
        parts.append(entry["filer"]["name"])
    parts += [s["respondent"] for s in entry["sanctions"]]
    return _fold(parts)


def reindex(session: Session, case: Complaint) -> CaseSearch:
    """Rewrite the case's search row (and add its new words to the word list), in the
    caller's transaction."""
    session.flush()
    row = session.get(CaseSearch, case.id)
    if row is None:
        row = CaseSearch(complaint_id=case.id)
        session.add(row)
    row.staff_words = staff_words(session, case)
    row.public_words = public_words(case)
    if session.get_bind().dialect.name == "postgresql":
        row.staff_tsv = func.to_tsvector(literal_column("'simple'"), row.staff_words)
        row.public_tsv = func.to_tsvector(literal_column("'simple'"), row.public_words)
    _add_words(session, set(row.staff_words.split()))
    session.flush()
    return row


def index_cases(session: Session, ids: list[int]) -> int:
    """Write the search rows of many cases at once (bulk loads and `flask search
    rebuild`): a few queries per batch instead of a few per case. Returns how many."""
    if not ids:
        return 0
    cases = session.scalars(select(Complaint).where(Complaint.id.in_(ids)).options(*_EAGER)).all()
    notes: dict[int, list[str]] = {}
    for cid, body in session.execute(select(CaseNote.complaint_id, CaseNote.body).where(CaseNote.complaint_id.in_(ids))):
        notes.setdefault(cid, []).append(body)
    files: dict[int, list[str | None]] = {}
    for cid, name in session.execute(select(Evidence.complaint_id, Evidence.original_name)
                                     .where(Evidence.complaint_id.in_(ids))):
        files.setdefault(cid, []).append(name)
    rows = [{"id": c.id, "s": staff_words(session, c, notes.get(c.id, []), files.get(c.id, [])),
             "p": public_words(c)} for c in cases]
    session.execute(delete(CaseSearch).where(CaseSearch.complaint_id.in_(ids)))
    if session.get_bind().dialect.name == "postgresql":
        insert_row = text("INSERT INTO case_search (complaint_id, staff_words, public_words, staff_tsv, public_tsv) "
                          "VALUES (:id, :s, :p, to_tsvector('simple', :s), to_tsvector('simple', :p))")
    else:
        insert_row = text("INSERT INTO case_search (complaint_id, staff_words, public_words) VALUES (:id, :s, :p)")
    if rows:
        session.execute(insert_row, rows)
    _add_words(session, {w for r in rows for w in str(r["s"]).split()})
    session.flush()
    return len(rows)


def rebuild(session: Session, batch: int = 1000, progress: Any = None) -> int:
    """Rewrite every case's search row, a batch per flush."""
    last = 0
    done = 0
    while True:
        ids = list(session.scalars(select(Complaint.id).where(Complaint.id > last).order_by(Complaint.id).limit(batch)))
        if not ids:
            return done
        done += index_cases(session, ids)
        last = ids[-1]
        session.expunge_all()
        if progress is not None:
            progress(len(ids))


def _add_words(session: Session, words: set[str]) -> None:
    """Add the words the list lacks. Two transactions adding one new word at once do
    not collide: the second insert does nothing."""
    wanted = sorted(w for w in words if 3 <= len(w) <= 60 and not w.isdigit())
    from sqlalchemy.dialects import postgresql, sqlite

    upsert: Any = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        new = set(chunk) - set(session.scalars(select(SearchWord.word).where(SearchWord.word.in_(chunk))))
        if new:
            session.execute(upsert(SearchWord).values([{"word": w} for w in sorted(new)]).on_conflict_do_nothing())


def on_change(session: Session, case: Complaint, action: str, from_state: str | None, to_state: str) -> None:
    """The ON_CHANGE listener: every change to a case rewrites its search row."""
    reindex(session, case)


# --------------------------------------------------------------------------- queries

def _cut(word: str) -> str:
    if len(word) >= CUT_FROM and not any(ch.isdigit() for ch in word):
        return word[:len(word) - 2]
    return word


def _words(q: str) -> list[str]:
    out: list[str] = []
    for word in name_words(q[:200]):
        if word not in out:
            out.append(word)
    return out[:MAX_TERMS]


def terms(q: str) -> list[str]:
    """The prefixes a query looks for: its folded words, long ones cut by two letters."""
    return list(dict.fromkeys(_cut(w) for w in _words(q)))


def _alternatives(session: Session, word: str) -> list[str]:
    """The prefix of `word` when some indexed word starts with it, else the prefixes of
    the nearest indexed words (a misspelling)."""
    term = _cut(word)
    esc = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if any(ch.isdigit() for ch in term) or session.scalar(
            select(SearchWord.word).where(SearchWord.word.like(esc + "%", escape="\\")).limit(1)) is not None:
        return [term]
    if session.get_bind().dialect.name == "postgresql":
        near = list(session.scalars(
            select(SearchWord.word).where(SearchWord.word.op("%")(word))
            .order_by(func.similarity(SearchWord.word, word).desc(), SearchWord.word).limit(FUZZY_WORDS)))
    else:
        # Same first letter, similar length: the similarity is computed here.
        candidates = session.scalars(select(SearchWord.word).where(
            SearchWord.word.like(esc[:1] + "%", escape="\\"),
            func.length(SearchWord.word).between(len(word) - 2, len(word) + 2)).limit(5000))
        scored = sorted(((difflib.SequenceMatcher(None, word, w).ratio(), w) for w in candidates), reverse=True)
        near = [w for score, w in scored[:FUZZY_WORDS] if score >= 0.75]
    return list(dict.fromkeys(_cut(w) for w in near)) or [term]


@dataclass
class Match:
    """A query ready to run: which cases match (`ids`, a subquery of complaint ids) and
    their rank (`rank`, a column of `ranked`), for staff or for the public."""

    terms: list[list[str]]
    public: bool
    #: Match any of the terms (similar cases) rather than all of them (a query).
    any_of: bool = False

    def condition(self) -> ColumnElement[bool]:
        """Complaint.id IN (the matching cases)."""
        return Complaint.id.in_(self.ids())

    def ids(self) -> Select[Any]:
        """The ids of the matching cases (no rank computed)."""
        if self._dialect == "postgresql":
            return select(CaseSearch.complaint_id).where(self._tsv().op("@@")(self._tsquery()))
        return select(literal_column("rowid")).select_from(text("case_search_fts")).where(self._fts_match())

    def ranked(self) -> Any:
        """A subquery (complaint_id, rank) of the matching cases; higher rank is better."""
        if self._dialect == "postgresql":
            return (select(CaseSearch.complaint_id, self._pg_rank().label("rank"))
                    .where(self._tsv().op("@@")(self._tsquery())).subquery())
        return (select(literal_column("rowid").label("complaint_id"),
                       cast(literal_column("-rank") * RANK_SCALE, Integer).label("rank"))
                .select_from(text("case_search_fts")).where(self._fts_match()).subquery())

    def rank_window(self, base: Select[Any], limit: int) -> Any:
        """A subquery (complaint_id, rank) of the newest `limit` cases of `base` that
        match: only these are ranked, so a word found in most cases costs a bounded
        amount of ranking work."""
        if self._dialect == "postgresql":
            return (base.join(CaseSearch, CaseSearch.complaint_id == Complaint.id)
                    .where(self._tsv().op("@@")(self._tsquery()))
                    .with_only_columns(Complaint.id.label("complaint_id"), self._pg_rank().label("rank"))
                    .order_by(Complaint.id.desc()).limit(limit).subquery())
        ranked = self.ranked()
        return (base.join(ranked, ranked.c.complaint_id == Complaint.id)
                .with_only_columns(Complaint.id.label("complaint_id"), ranked.c.rank)
                .order_by(Complaint.id.desc()).limit(limit).subquery())

    def _tsv(self) -> Any:
        return CaseSearch.public_tsv if self.public else CaseSearch.staff_tsv

    def _tsquery(self) -> Any:
        return func.to_tsquery(literal_column("'simple'"), self._pg_query())

    def _pg_rank(self) -> Any:
        return cast(func.ts_rank(self._tsv(), self._tsquery()) * RANK_SCALE, Integer)

    def _fts_match(self) -> Any:
        col = "public_words" if self.public else "staff_words"
        return text("case_search_fts MATCH :fts").bindparams(fts=f"{{{col}}} : ({self._fts_query()})")

    _dialect: str = "sqlite"

    def _pg_query(self) -> str:
        return (" | " if self.any_of else " & ").join("(" + " | ".join(f"{alt}:*" for alt in alts) + ")" for alts in self.terms)

    def _fts_query(self) -> str:
        return (" OR " if self.any_of else " AND ").join("(" + " OR ".join(f'"{alt}"*' for alt in alts) + ")" for alts in self.terms)

    @property
    def words(self) -> list[str]:
        return [alt for alts in self.terms for alt in alts]


def match(session: Session, q: str, *, public: bool) -> Match | None:
    """The search for `q` (None when it has no word to look for)."""
    words = _words(q)
    if not words:
        return None
    m = Match([_alternatives(session, w) for w in words], public)
    m._dialect = session.get_bind().dialect.name
    return m


#: Words of a case that look for similar cases: its longest distinct words, at most this many.
SIMILAR_WORDS = 8


def similar_to(session: Session, case: Complaint) -> Match | None:
    """A staff search for the cases that share words with `case`'s summary and facts
    (any of its longest words; more shared words rank higher)."""
    words: list[str] = []
    for text_ in [case.summary, *(a.facts for a in case.allegations)]:
        words += [w for w in name_words(text_ or "") if len(w) >= 5 and not any(ch.isdigit() for ch in w)]
    chosen = sorted(set(words), key=lambda w: (-len(w), w))[:SIMILAR_WORDS]
    if not chosen:
        return None
    m = Match([[_cut(w)] for w in chosen], public=False, any_of=True)
    m._dialect = session.get_bind().dialect.name
    return m


_TOKEN = re.compile(r"\w+", re.UNICODE)


def highlight(value: str | None, words: list[str]) -> Markup:
    """`value` escaped, with each word whose folded form starts with one of `words` in
    a <mark>."""
    if not value:
        return Markup("")
    out = Markup("")
    last = 0
    for m in _TOKEN.finditer(value):
        folded = "".join(name_words(m.group()))
        if folded and any(folded.startswith(w) for w in words):
            out += escape(value[last:m.start()]) + Markup("<mark>%s</mark>") % m.group()
            last = m.end()
    return out + escape(value[last:])
