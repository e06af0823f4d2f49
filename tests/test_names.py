"""The name key: real spellings of one name fold together, and the registry, recusal
and the repeat-respondent counts use it."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from complaints import access
from complaints.enums import CandidateStatus, RespondentKind
from complaints.models import Respondent
from complaints.names import clean_text, name_key
from complaints.services import filing, stats
from tests.workflow_helpers import demo, new_case

#: Each row: spellings of one name met in Kyrgyz and Russian Cyrillic and in Latin.
SPELLINGS = [
    ["Жээнбеков Сооронбай", "Sooronbay Jeenbekov", "Zheenbekov Sooronbai", "Dzheenbekov Sooronbay",
     "Жеенбеков Сооронбай", "Сооронбай Жээнбеков"],
    ["Өмүрбек Бабанов", "Omurbek Babanov", "Ömürbek Babanov", "Омурбек Бабанов"],
    ["Камчыбек Ташиев", "Kamchybek Tashiev", "Kamchibek Tashiyev"],
    ["Бакыт Торобаев", "Bakyt Torobaev", "Bakyt Torobayev"],
    ["Токтайым Уметалиева", "Toktaiym Umetalieva", "Toktayym Umetaliyeva"],
    ["Алмазбек Атамбаев", "Almazbek Atambayev", "Almazbek Atambaev"],
    ["Нурсултан Назарбаев", "Nursultan Nazarbayev", "Nursultan Nazarbaev"],
    ["Садыр Жапаров", "Sadyr Japarov", "Sadyr Zhaparov", "Sadyr Dzhaparov"],
    ["Адахан Мадумаров", "Adakhan Madumarov", "Adahan Madumarov"],
    ["Темир Сариев", "Temir Sariev", "Temir Sariyev"],
    ["Чынгыз Айтматов", "Chyngyz Aitmatov", "Chingiz Aytmatov"],
    ["Пётр Фёдоров", "Петр Федоров", "Pyotr Fyodorov", "Petr Fedorov"],
    ["Ерлан Юсупов", "Yerlan Yusupov", "Erlan Iusupov"],
    ["Ата-Журт", "Ata-Zhurt", "Ata Jurt"],
    ["Өнүгүү-Прогресс", "Onuguu-Progress", "Önügüü-Progress", "Онугуу-Прогресс"],
    ["Курманбек Бакиев", "Kurmanbek Bakiyev", "Kurmanbek Bakiev"],
    ["Роза Отунбаева", "Roza Otunbayeva", "Roza Otunbaeva"],
    ["Арстанбек Абдылдаев", "Arstanbek Abdyldayev", "Arstanbek Abdyldaev"],
    ["Жалал-Абад", "Jalal-Abad", "Dzhalal-Abad", "Джалал-Абад", "Zhalal-Abad"],
    ["Мөңкө", "Monko", "Mongko", "Möngkö"],
    ["Хасанов", "Khasanov", "Hasanov"],
    ["Акылбек Жапаров", "Akylbek Japarov", "Akilbek Zhaparov"],
    ["Чүй", "Chuy", "Chui", "Chüy"],
    ["Иссык-Куль", "Issyk-Kul", "Issyk-Kul'"],
    ["Кыргызстан", "Kyrgyzstan", "Kirgizstan"],
    ["Таалатбек Масадыков", "Taalatbek Masadykov", "Talatbek Masadykov"],
    ["Эмилбек Каптагаев", "Emilbek Kaptagaev", "Emilbek Kaptagayev"],
    ["Улукбек Марипов", "Ulukbek Maripov", "Ulukbek  Maripov"],
    ["Азимбек Бекназаров", "Azimbek Beknazarov", "AZIMBEK BEKNAZAROV"],
    ["Икрамжан Илмиянов", "Ikramzhan Ilmiyanov", "Ikramjan Ilmianov"],
    ["Жээнбеков", "Ж\u200bээнбеков", "Jeen\u00adbekov"],
]


@pytest.mark.parametrize("spellings", SPELLINGS, ids=[row[1] for row in SPELLINGS])
def test_spellings_of_one_name_share_a_key(spellings: list[str]) -> None:
    keys = {spelling: name_key(spelling) for spelling in spellings}
    assert len(set(keys.values())) == 1, keys
    assert next(iter(keys.values()))


def test_different_names_keep_different_keys() -> None:
    assert len(SPELLINGS) >= 30
    keys = [name_key(row[0]) for row in SPELLINGS]
    assert len(set(keys)) == len(keys)
    assert sum(len(row) for row in SPELLINGS) >= 100
    assert name_key("Жээнбеков") == "jenbekov"
    assert name_key("Sadyr Japarov") != name_key("Akylbek Japarov")


def test_clean_text_removes_invisible_characters_and_composes() -> None:
    assert clean_text("Ж\u200bээн\u2060беков\ufeff") == "Жээнбеков"
    assert clean_text("Jeenbekov\u00a0Sooronbay\t") == "Jeenbekov Sooronbay "
    assert clean_text("o\u0308") == "ö"
    assert name_key("") == "" and name_key("—") == ""


def test_a_new_record_is_stored_with_its_key(session: Session) -> None:
    r = Respondent(kind=RespondentKind.OFFICIAL, name="Өмүрбек Ташиев")
    assert r.name_key == "omurbek tashiev"
    r.name = "Omurbek Tashiyev"
    assert r.name_key == "omurbek tashiev"


def test_a_respondent_typed_in_either_script_finds_the_existing_record(session: Session) -> None:
    d = demo(session)
    existing = d["jeenbekov"]
    assert existing.name == "Сооронбай Жээнбеков" and "Sooronbay Jeenbekov" in existing.alternates
    found = filing.find_or_add_respondent(session, RespondentKind.CANDIDATE, "Jeenbekov  Sooronbay",
                                          election_id=d["election"].id)
    assert found.id == existing.id
    found = filing.find_or_add_respondent(session, RespondentKind.CANDIDATE, "Жээнбеков  Сооронбай",
                                          election_id=d["election"].id)
    assert found.id == existing.id
    assert [r.id for r in filing.similar_respondents(session, "Жээнбеков Сооронбай")][:1] == [existing.id]
    # With a patronymic the key differs, but the record is still offered.
    assert existing.id in [r.id for r in filing.similar_respondents(session, "Жээнбеков Сооронбай Шарипович")]
    typed = filing.search_respondents(session, "Жээнбеков", election_id=d["election"].id, include_private=False)
    assert existing.id in [r.id for r in typed]
    typed = filing.search_respondents(session, "Dzheenb", election_id=d["election"].id, include_private=False)
    assert existing.id in [r.id for r in typed]
    # Another name is another record.
    other = filing.find_or_add_respondent(session, RespondentKind.CANDIDATE, "Жээнбеков Асылбек",
                                          election_id=d["election"].id)
    assert other.id != existing.id


def test_repeat_respondent_counted_once_across_spellings(session: Session) -> None:
    d = demo(session)
    existing = d["jeenbekov"]
    # A second record of the same man, as intake made them before the key existed.
    twin = Respondent(kind=RespondentKind.CANDIDATE, name="Жээнбеков Сооронбай", election_id=d["election"].id,
                      candidate_status=CandidateStatus.REGISTERED)
    session.add(twin)
    session.flush()
    before = stats.summary(session, stats.Filters(election_id=d["election"].id), public=False)
    count_before = next((r["cases"] for r in before["top_respondents"] if r["id"] == existing.id), 0)
    new_case(session, respondent=twin)
    new_case(session, respondent=existing)
    after = stats.summary(session, stats.Filters(election_id=d["election"].id), public=False)
    ids = [r["id"] for r in after["top_respondents"]]
    assert twin.id not in ids and twin.id not in [r["id"] for r in after["repeat_respondents"]]
    assert next(r["cases"] for r in after["repeat_respondents"] if r["id"] == existing.id) == count_before + 2


def test_recusal_follows_the_name_key(session: Session) -> None:
    d = demo(session)
    twin = Respondent(kind=RespondentKind.CANDIDATE, name="Жээнбеков Сооронбай", election_id=d["election"].id,
                      candidate_status=CandidateStatus.REGISTERED)
    session.add(twin)
    session.flush()
    case = new_case(session, respondent=twin)
    investigator = d["users"]["investigator"]
    assert not access.is_recused(investigator, case)
    investigator.affiliation = d["jeenbekov"]
    session.flush()
    assert investigator.affiliation_id != twin.id
    assert access.is_recused(investigator, case)


def test_the_migrations_fold_names_as_the_application_does() -> None:
    """The revisions that filled name keys and search rows keep their own copy of the
    folding (a migration never imports application code). If the rules change, this
    fails: write a revision that recomputes the keys, and run `flask search rebuild`."""
    import importlib.util
    from pathlib import Path

    versions = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    copies = []
    for pattern, attr in (("*_4e1b7a9c2d10_*.py", "name_key"), ("*_8c2f6e1a4b57_*.py", "fold")):
        path = next(versions.glob(pattern))
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        copies.append(getattr(module, attr))
    key_copy, fold_copy = copies
    for row in SPELLINGS:
        for spelling in [*row, "Участковая комиссия 1001", "KG2017P-000103"]:
            assert key_copy(spelling) == name_key(spelling), spelling
            assert " ".join(sorted(fold_copy(spelling))) == name_key(spelling), spelling
