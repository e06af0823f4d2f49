"""Full-text search: the demo's cases by Cyrillic and Latin words and by a misspelling,
the right case first, inflected forms, the queue and the API with their filters, and a
public search that never matches a private field."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints.enums import FilerKind, RespondentKind
from complaints.lifecycle import Action
from complaints.models import CaseSearch, Complaint, Filer, Respondent, User
from complaints.services import cases as svc
from complaints.services import register, search, stats
from complaints.services import workflow as wf
from tests.workflow_helpers import demo, new_case


def found(session: Session, q: str, *, public: bool = False) -> list[str]:
    """Registration numbers matching `q`, best first."""
    m = search.match(session, q, public=public)
    assert m is not None
    ranked = m.ranked()
    rows = session.execute(select(Complaint.registration_number).join(ranked, ranked.c.complaint_id == Complaint.id)
                           .order_by(ranked.c.rank.desc(), Complaint.id.desc())).scalars().all()
    return [r for r in rows if r]


def test_query_words_fold_and_cut() -> None:
    assert search.terms("Жээнбеков") == search.terms("Dzheenbekov") == ["jenbek"]
    assert search.terms("плакаты") == search.terms("плаката") == ["plaka"]
    assert search.terms("KG2017P-000103") == ["kg2017p", "000103"]
    assert search.terms("  ") == [] and search.match  # nothing to look for


@pytest.mark.parametrize("q", ["Jeenbekov banner", "Жээнбеков баннер", "Zheenbekov banner", "Jeenbekof baner"])
def test_demo_banner_case_found_in_any_script_and_ranked_first(session: Session, q: str) -> None:
    banner = session.scalar(select(Complaint).where(Complaint.summary.like("%баннер%"),
                                                    Complaint.summary.like("%Жээнбеков%")).order_by(Complaint.id))
    assert banner is not None
    assert found(session, q)[0] == banner.registration_number


def test_demo_case_found_by_a_misspelling(session: Session) -> None:
    speech = found(session, "Бабанов выступление Ош")
    assert len(speech) >= 13
    assert found(session, "Ббанов выступлене Ош")[:len(speech)] == speech  # a letter missing inside a word
    assert found(session, "Babanov vystuplenie Osh")[:len(speech)] == speech  # typed in Latin
    first = found(session, "Umetalieva")
    assert first and found(session, "Umetaleva")[0] == first[0]


def test_registration_number_finds_its_case(session: Session) -> None:
    assert found(session, "KG2017P-000103")[0] == "KG2017P-000103"


def test_inflected_forms_find_each_other_and_the_index_follows_changes(session: Session,
                                                                       users: dict[str, User]) -> None:
    case = new_case(session, summary="У избирательного участка 1001 висят плакаты кандидата Жээнбекова.")
    for q in ("плакат", "плаката", "плакаты", "Jeenbekov 1001", "участок"):
        assert case.registration_number in found(session, q), q
    assert case.registration_number not in found(session, "баннердин ордуна")
    # A note added later is searchable at once (same transaction), for staff only.
    svc.apply_action(session, case, Action.ADD_NOTE, users["clerk"], {"note": "Свидетель: Асанкулов"})
    assert case.registration_number in found(session, "Асанкулов")
    assert case.registration_number not in found(session, "Асанкулов", public=True)
    row = session.get(CaseSearch, case.id)
    assert row is not None and "asankulov" in row.staff_words and "asankulov" not in row.public_words


def test_public_search_never_matches_a_private_field(session: Session, users: dict[str, User]) -> None:
    el = stats.default_election(session)
    assert el is not None
    secrets = ("Privatbekova", "Hiddenbaev", "ID998877", "Tainaya")
    filer = Filer(kind=FilerKind.VOTER, name=f"Zarina {secrets[0]}", identity_number=secrets[2],
                  consent_to_contact=True)
    private = Respondent(kind=RespondentKind.PRIVATE_PERSON, name=f"Bolot {secrets[1]}", election_id=el.id)
    session.add_all([filer, private])
    session.flush()
    data = svc.ComplaintInput(
        election_id=el.id, summary=f"{secrets[0]} saw {secrets[1]} hand out money on {secrets[3]} street.",
        respondent_ids=[private.id, demo(session)["jeenbekov"].id],
        allegations=[svc.AllegationInput(category_id=el.categories[1].id, facts=f"{secrets[0]} reports it.")],
        awareness_at=dt.datetime(2017, 10, 14, 9, tzinfo=dt.UTC), region_id=demo(session)["region"].id)
    case, _code = svc.file_complaint(session, data, filer=filer, actor=users["clerk"],
                                     received_at=dt.datetime(2017, 10, 14, 10, tzinfo=dt.UTC))
    svc.apply_action(session, case, Action.ACCEPT, users["clerk"], {}, now=dt.datetime(2017, 10, 14, 11, tzinfo=dt.UTC))
    svc.apply_action(session, case, Action.DECIDE, users["commissioner"],
                     {"outcome": "upheld", "reasons": f"Statement of {secrets[0]}.", "legal_basis": "Art. 44",
                      "votes_for": 9, "votes_against": 1}, now=dt.datetime(2017, 10, 14, 20, tzinfo=dt.UTC))
    svc.apply_action(session, case, Action.PUBLISH, users["clerk"],
                     {"public_text": "Money was handed out to voters near the market."},
                     now=dt.datetime(2017, 10, 15, 9, tzinfo=dt.UTC))
    number = case.registration_number
    for secret in secrets:
        if secret != secrets[2]:  # identity numbers are not searched at all
            assert number in found(session, secret), secret  # staff find it by these words
        assert number not in found(session, secret, public=True), secret
    # What the register shows is searchable: the published reasons and public respondents.
    assert number in found(session, "handed market", public=True)
    assert number in found(session, "Жээнбеков market", public=True)
    rows, _more = register.register_page(session, register.RegisterFilters(q="voters Market"))
    assert number in [c.registration_number for c in rows]
    rows, _more = register.register_page(session, register.RegisterFilters(q=secrets[1]))
    assert rows == []


def test_public_register_page_searches(client: Any, session: Session) -> None:
    page = client.get("/public/register?q=Жээнбеков").get_data(as_text=True)
    numbers = found(session, "Jeenbekov", public=True)
    assert numbers and numbers[0] in page


def test_queue_search_with_filters_and_keyset_pages(client: Any, auth: Any, session: Session,
                                                    users: dict[str, User]) -> None:
    d = demo(session)
    made = [new_case(session, summary=f"Агитация у участка {i}: баннер кандидата Жээнбекова.") for i in range(5)]
    f = wf.QueueFilters(q="баннер Jeenbekov", status="all")
    first = wf.queue_page(session, users["clerk"], f, limit=3)
    assert len(first.cases) == 3 and first.next_cursor
    second = wf.queue_page(session, users["clerk"], wf.QueueFilters(q="баннер Jeenbekov", status="all"),
                           first.next_cursor, limit=3)
    seen = [c.id for c in first.cases + second.cases]
    assert len(seen) == len(set(seen)) and {c.id for c in made} <= set(seen)
    matching = found(session, "баннер Jeenbekov")
    assert first.status_counts["all"] == len(matching) >= 6 and not first.counts_partial
    assert first.status_counts["submitted"] == sum(1 for c in made if c.status == "submitted")
    assert first.quick_counts["mine"] == 0
    assert sum(v for k, v in first.status_counts.items() if k not in ("", "all")) == len(matching)
    # Combined with a filter that none of them meets.
    other = wf.queue_page(session, users["clerk"], wf.QueueFilters(q="баннер", status="all",
                                                                   region_id=d["region"].id + 1000))
    assert other.cases == []
    auth.login("clerk")
    page = client.get("/cases?q=Жээнбекова+баннер&status=all").get_data(as_text=True)
    assert made[-1].registration_number in page
    assert "<mark>баннер</mark>" in page and "<mark>Жээнбекова</mark>" in page
    assert client.get("/cases?q=%00%FF&status=all").status_code in (200, 400)  # never a 500
    assert client.get("/cases?q=%22%27*%3A%28&status=all").status_code == 200


def test_api_list_takes_q(client: Any, session: Session) -> None:
    case = new_case(session, summary="Раздача денег возле школы номер 77 в Оше.")
    from complaints.services.tokens import create_token

    _row, token = create_token(session, demo(session)["users"]["clerk"], "test")
    session.commit()
    r = client.get("/api/v1/complaints?q=денег+школы&limit=50", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    numbers = [i["registration_number"] for i in r.get_json()["items"]]
    assert numbers == [case.registration_number]
    r = client.get("/api/v1/complaints?q=" + "x" * 300, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code in (400, 422)


def test_bulk_generated_cases_are_indexed_and_rebuild_agrees(session: Session, runner: Any) -> None:
    from complaints.demo import generate

    el = stats.default_election(session)
    assert el is not None
    before = {r.complaint_id: (r.staff_words, r.public_words) for r in session.scalars(select(CaseSearch))}
    generate.generate(session, 30, election=el, seed=3, commit=False)
    rows = {r.complaint_id: (r.staff_words, r.public_words) for r in session.scalars(select(CaseSearch))}
    assert len(rows) == len(before) + 30
    session.commit()
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    rebuilt = {r.complaint_id: (r.staff_words, r.public_words) for r in session.scalars(select(CaseSearch))}
    received = set(session.scalars(select(Complaint.id)))
    assert set(rebuilt) == received
    assert {k: v for k, v in rebuilt.items() if k in rows} == rows  # kept on write == rebuilt


def test_evidence_file_names_are_searchable_by_staff(session: Session, users: dict[str, User], tmp_path: Any) -> None:
    import io

    from complaints.services import evidence_store
    from tests import evidence_files

    case = new_case(session, summary="Фото с участка.")
    evidence_store.intake_file(session, case, io.BytesIO(evidence_files.png(b"search")), "uchastok_1001_foto.png",
                               actor=users["monitor"], evidence_dir=str(tmp_path), max_file=2**20, max_case=2**22)
    assert case.registration_number in found(session, "uchastok_1001_foto")
    assert case.registration_number not in found(session, "uchastok_1001_foto", public=True)
