"""The 2017 Kyrgyz presidential election as demo data (DOMAIN.md section 7): its
places, candidates and other respondents, the demo accounts, the complaints of the
seed article in plausible states with their histories, and generated cases.

Everything goes through the services, so the demo's histories are real histories."""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints.enums import (
    AppealBody,
    AppealOutcome,
    Appellant,
    CandidateStatus,
    Channel,
    ComplaintKind,
    ElectionKind,
    EvidenceKind,
    FilerKind,
    InadmissibilityGround,
    Language,
    LinkKind,
    Outcome,
    ReceivingBody,
    RegionKind,
    RespondentKind,
    Role,
    SanctionKind,
    TransferBody,
)
from complaints.lifecycle import Action
from complaints.models import (
    Category,
    Complaint,
    District,
    Election,
    Evidence,
    Filer,
    Precinct,
    Region,
    Respondent,
    User,
)
from complaints.security import hash_password
from complaints.services import cases as svc
from complaints.services.cases import AllegationInput, ComplaintInput

ELECTION_CODE = "KG2017P"
BISHKEK = dt.timezone(dt.timedelta(hours=6))

#: The default taxonomy: (code, English name, refer to law enforcement); CATEGORY_NAMES
#: gives each its Russian and Kyrgyz names.
DEFAULT_CATEGORIES = [
    ("admin_resources", "Misuse of administrative resources / pressure on voters", False),
    ("vote_buying", "Vote buying", False),
    ("campaign_period", "Campaigning outside the campaign period", False),
    ("prohibited_place", "Campaigning at prohibited places", False),
    ("defamation", "Defamation / false information about a candidate", False),
    ("media", "Media coverage violations", False),
    ("foreign_interference", "Foreign interference", False),
    ("campaign_finance", "Campaign finance", False),
    ("voter_lists", "Voter lists", False),
    ("election_day", "Election-day procedure", False),
    ("counting", "Counting and tabulation", False),
    ("commission_act", "Act or inaction of an election commission", False),
    ("incitement", "Incitement to hatred (referred to law enforcement)", True),
]

CATEGORY_NAMES: dict[str, tuple[str, str]] = {
    "admin_resources": ("Использование административного ресурса / давление на избирателей",
                        "Административдик ресурсту пайдалануу / шайлоочуларга басым көрсөтүү"),
    "vote_buying": ("Подкуп избирателей", "Шайлоочуларды сатып алуу"),
    "campaign_period": ("Агитация вне агитационного периода", "Үгүт мезгилинен тышкары үгүт жүргүзүү"),
    "prohibited_place": ("Агитация в запрещённых местах", "Тыюу салынган жерлерде үгүт жүргүзүү"),
    "defamation": ("Клевета / ложные сведения о кандидате", "Жалаа / талапкер тууралуу жалган маалымат"),
    "media": ("Нарушения при освещении выборов в СМИ", "ЖМКда шайлоону чагылдыруудагы бузуулар"),
    "foreign_interference": ("Иностранное вмешательство", "Чет өлкөлүк кийлигишүү"),
    "campaign_finance": ("Финансирование избирательной кампании", "Шайлоо өнөктүгүн каржылоо"),
    "voter_lists": ("Списки избирателей", "Шайлоочулардын тизмелери"),
    "election_day": ("Порядок в день голосования", "Добуш берүү күнүндөгү тартип"),
    "counting": ("Подсчёт голосов и установление итогов", "Добуштарды эсептөө жана жыйынтыктарды чыгаруу"),
    "commission_act": ("Решение (действие, бездействие) избирательной комиссии",
                       "Шайлоо комиссиясынын чечими (аракети, аракетсиздиги)"),
    "incitement": ("Разжигание вражды (передаётся в правоохранительные органы)",
                   "Кастыкты козутуу (укук коргоо органдарына өткөрүлүп берилет)"),
}

#: The regions and districts by their official (Russian-language) Cyrillic names.
REGIONS: list[tuple[str, str, RegionKind, list[str]]] = [
    ("BI", "Бишкек", RegionKind.CITY, ["Ленинский район", "Октябрьский район", "Первомайский район",
                                       "Свердловский район"]),
    ("OC", "Ош (город)", RegionKind.CITY, ["город Ош"]),
    ("BA", "Баткенская область", RegionKind.OBLAST, ["Баткенский район", "Кадамжайский район", "Лейлекский район"]),
    ("CH", "Чуйская область", RegionKind.OBLAST, ["Аламудунский район", "Сокулукский район", "Московский район"]),
    ("IK", "Иссык-Кульская область", RegionKind.OBLAST, ["Ак-Суйский район", "Тюпский район", "город Каракол"]),
    ("JA", "Джалал-Абадская область", RegionKind.OBLAST, ["Сузакский район", "Базар-Коргонский район",
                                                         "город Джалал-Абад"]),
    ("NA", "Нарынская область", RegionKind.OBLAST, ["Нарынский район", "Ат-Башинский район"]),
    ("OS", "Ошская область", RegionKind.OBLAST, ["Кара-Суйский район", "Ноокатский район", "Узгенский район"]),
    ("TA", "Таласская область", RegionKind.OBLAST, ["Таласский район", "Бакай-Атинский район"]),
]
LENINSKY, SVERDLOVSKY, KARA_SUU, NOOKAT = "Ленинский район", "Свердловский район", "Кара-Суйский район", \
    "Ноокатский район"

DEMO_USERS = [
    ("monitor", Role.MONITOR, "Aida Monitor (observer)"),
    ("monitor2", Role.MONITOR, "Bakyt Monitor (observer)"),
    ("clerk", Role.CLERK, "Cholpon Clerk"),
    ("investigator", Role.INVESTIGATOR, "Daniyar Investigator"),
    ("commissioner", Role.COMMISSIONER, "Elmira Commissioner"),
    ("admin", Role.ADMIN, "System Administrator"),
]


def t(month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A moment of 2017 in Bishkek time, as aware UTC."""
    return dt.datetime(2017, month, day, hour, minute, tzinfo=BISHKEK).astimezone(dt.UTC)


@dataclass
class Demo:
    election: Election
    cats: dict[str, Category]
    regions: dict[str, Region]
    districts: dict[str, District]
    precincts: list[Precinct]
    resp: dict[str, Respondent]
    users: dict[str, User]
    filers: dict[str, Filer]


def seed_places(session: Session) -> None:
    number = 1000
    for code, name, kind, districts in REGIONS:
        if session.scalar(select(Region).where(Region.code == code)) is not None:
            continue
        region = Region(code=code, name=name, kind=kind)
        session.add(region)
        for dname in districts:
            district = District(region=region, name=dname)
            session.add(district)
            for _ in range(3):
                number += 1
                session.add(Precinct(district=district, number=str(number),
                                     address=f"Школа № {number % 97 + 1}, {dname}"))
    session.flush()


def seed_election(session: Session) -> Election:
    election = Election(code=ELECTION_CODE, name="Presidential election 2017",
                        name_ru="Выборы Президента Кыргызской Республики 2017 года",
                        name_ky="Кыргыз Республикасынын Президентин шайлоо, 2017-жыл",
                        kind=ElectionKind.PRESIDENTIAL, election_day=dt.date(2017, 10, 15), timezone="Asia/Bishkek")
    session.add(election)
    add_categories(session, election)
    return election


def add_categories(session: Session, election: Election) -> None:
    """Give a new election the default taxonomy."""
    for pos, (code, name, refer) in enumerate(DEFAULT_CATEGORIES):
        name_ru, name_ky = CATEGORY_NAMES.get(code, ("", ""))
        session.add(Category(election=election, code=code, name=name, name_ru=name_ru, name_ky=name_ky,
                             position=pos, refer_to_law_enforcement=refer))
    session.flush()


def seed_respondents(session: Session, election: Election) -> dict[str, Respondent]:
    r: dict[str, Respondent] = {}

    def add(key: str, kind: RespondentKind, name: str, *alternates: str, **kw: Any) -> Respondent:
        """`name`: the official Cyrillic name; `alternates`: its Latin spellings."""
        obj = Respondent(kind=kind, name=name, election_id=election.id if kind == RespondentKind.CANDIDATE else None,
                         alternate_names="\n".join(alternates), **kw)
        session.add(obj)
        r[key] = obj
        return obj

    sdpk = add("sdpk", RespondentKind.PARTY, "Социал-демократическая партия Кыргызстана (СДПК)",
               "Social Democratic Party of Kyrgyzstan (SDPK)")
    rep = add("respublika", RespondentKind.PARTY, "Республика–Ата Журт", "Respublika–Ata Zhurt", "Respublika-Ata Jurt")
    onuguu = add("onuguu", RespondentKind.PARTY, "Өнүгүү–Прогресс", "Onuguu–Progress", "Onuguu-Progress")
    butun = add("butun", RespondentKind.PARTY, "Бүтүн Кыргызстан", "Butun Kyrgyzstan")
    ata = add("ata_jurt", RespondentKind.PARTY, "Ата-Журт", "Ata-Jurt", "Ata-Zhurt")
    session.flush()
    # Official Cyrillic names (as the CEC registered them), then the Latin spellings in use.
    cands = [
        ("jeenbekov", "Сооронбай Жээнбеков", ("Sooronbay Jeenbekov", "Sooronbai Zheenbekov"), sdpk,
         CandidateStatus.REGISTERED),
        ("babanov", "Өмүрбек Бабанов", ("Omurbek Babanov",), rep, CandidateStatus.REGISTERED),
        ("madumarov", "Адахан Мадумаров", ("Adakhan Madumarov", "Adahan Madumarov"), butun,
         CandidateStatus.REGISTERED),
        ("sariev", "Темир Сариев", ("Temir Sariev", "Temir Sariyev"), None, CandidateStatus.REGISTERED),
        ("umetalieva", "Токтайым Үметалиева", ("Toktaiym Umetalieva", "Toktayym Umetalieva"), None,
         CandidateStatus.REGISTERED),
        ("masadykov", "Таалатбек Масадыков", ("Taalatbek Masadykov",), None, CandidateStatus.REGISTERED),
        ("abdyldaev", "Арстанбек Абдылдаев", ("Arstanbek Abdyldaev",), None, CandidateStatus.REGISTERED),
        ("maliev", "Арсланбек Малиев", ("Arslanbek Maliev",), None, CandidateStatus.REGISTERED),
        ("kochkorov", "Улукбек Кочкоров", ("Ulukbek Kochkorov",), None, CandidateStatus.REGISTERED),
        ("tashiev", "Камчыбек Ташиев", ("Kamchybek Tashiev",), ata, CandidateStatus.WITHDRAWN),
        ("torobaev", "Бакыт Торобаев", ("Bakyt Torobaev", "Bakyt Torobayev"), onuguu, CandidateStatus.WITHDRAWN),
    ]
    for key, name, latin, party, status in cands:
        add(key, RespondentKind.CANDIDATE, name, *latin, party_id=party.id if party else None,
            affiliation=party.name if party else "самовыдвиженец", candidate_status=status)
    add("tec_leninsky", RespondentKind.COMMISSION, "ТИК Ленинского района города Бишкек",
        "Territorial election commission, Leninsky district (Bishkek)")
    add("tec_sverdlovsky", RespondentKind.COMMISSION, "ТИК Свердловского района города Бишкек",
        "Territorial election commission, Sverdlovsky district (Bishkek)")
    add("pec_1052", RespondentKind.COMMISSION, "УИК № 1052", "Precinct election commission No. 1052")
    add("akim_osh", RespondentKind.OFFICIAL, "Аким района (Ошская область)",
        "Head of a district administration (Osh oblast)")
    add("university", RespondentKind.STATE_BODY, "Ректорат государственного университета (Бишкек)",
        "Rectorate of a state university (Bishkek)")
    add("news_site", RespondentKind.MEDIA, "Новостной сайт (демо)", "News website (demo)")
    add("tv_channel", RespondentKind.MEDIA, "Национальный телеканал (демо)", "National TV channel (demo)")
    add("regional_paper", RespondentKind.MEDIA, "Региональная газета (демо)", "Regional newspaper (demo)")
    add("kazakhstan", RespondentKind.FOREIGN_STATE, "Республика Казахстан", "Republic of Kazakhstan")
    add("nazarbayev", RespondentKind.FOREIGN_OFFICIAL, "Нурсултан Назарбаев, Президент Республики Казахстан",
        "Nursultan Nazarbayev, President of Kazakhstan", "Nursultan Nazarbaev")
    add("employer", RespondentKind.PRIVATE_PERSON, "Владелец частного рынка (Ош)", "Owner of a private market (Osh)")
    session.flush()
    return r


def seed_users(session: Session, password: str) -> dict[str, User]:
    users: dict[str, User] = {}
    hashed = hash_password(password)
    for username, role, name in DEMO_USERS:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, role=role, full_name=name, password_hash=hashed,
                        email=f"{username}@example.org")
            session.add(user)
        users[username] = user
    session.flush()
    return users


def seed_filers(session: Session, resp: dict[str, Respondent], users: dict[str, User]) -> dict[str, Filer]:
    f: dict[str, Filer] = {}

    def add(key: str, **kw: Any) -> Filer:
        obj = Filer(**kw)
        session.add(obj)
        f[key] = obj
        return obj

    add("monitor", kind=FilerKind.REPRESENTATIVE, name="Aida Monitor (observer)", user_id=users["monitor"].id,
        represents_id=resp["babanov"].id, organisation="Штаб кандидата Бабанова", phone="+996 555 010 101",
        email="monitor@example.org", identity_number="ID-DEMO-MON-1", consent_to_contact=True)
    add("monitor2", kind=FilerKind.OBSERVER, name="Bakyt Monitor (observer)", user_id=users["monitor2"].id,
        accreditation_number="OBS-2017-0042", organisation="«Таза шайлоо» (наблюдатели)", phone="+996 555 020 202",
        email="monitor2@example.org", identity_number="ID-DEMO-MON-2", consent_to_contact=True)
    add("jeenbekov_hq", kind=FilerKind.REPRESENTATIVE, name="Штаб кандидата Жээнбекова",
        represents_id=resp["jeenbekov"].id, phone="+996 312 000 111", email="hq-j@example.org")
    add("torobaev_hq", kind=FilerKind.REPRESENTATIVE, name="Штаб кандидата Торобаева",
        represents_id=resp["torobaev"].id, phone="+996 312 000 222", email="hq-t@example.org")
    add("mfa", kind=FilerKind.STATE_BODY, name="Министерство иностранных дел Кыргызской Республики",
        organisation="МИД КР", email="mfa@example.org")
    add("umetalieva", kind=FilerKind.CANDIDATE, name="Токтайым Үметалиева", represents_id=resp["umetalieva"].id)
    add("ngo", kind=FilerKind.NGO, name="Коалиция «За демократию и гражданское общество»", email="ngo@example.org")
    add("anonymous", kind=FilerKind.ANONYMOUS)
    session.flush()
    return f


def private_voter(session: Session, i: int, rng: random.Random) -> Filer:
    first = rng.choice(["Айгуль", "Нурлан", "Бермет", "Азамат", "Чолпон", "Эрмек", "Гульнара", "Тилек", "Жылдыз"])
    last = rng.choice(["Асанова", "Беков", "Токтогулова", "Садыков", "Омурова", "Исаков", "Мамытова"])
    filer = Filer(kind=FilerKind.VOTER, name=f"{first} {last}-{i}", identity_number=f"AN{rng.randrange(10**6, 10**7)}",
                  phone=f"+996 7{rng.randrange(10**7, 10**8)}", email=f"voter{i}@example.net",
                  address=f"г. Бишкек, пр. Чуй, {rng.randrange(1, 200)}", consent_to_contact=rng.random() < 0.7)
    session.add(filer)
    return filer


class Builder:
    """Files and moves demo cases through the services, with backdated times."""

    def __init__(self, session: Session, d: Demo) -> None:
        self.s = session
        self.d = d

    def file(self, *, filer: Filer, respondents: list[str], allegations: list[tuple[str, str, str | None]],
             summary: str, region: str, received: dt.datetime, awareness: dt.datetime,
             incident: dt.datetime | None = None, district: str | None = None, precinct: int | None = None,
             kind: ComplaintKind = ComplaintKind.VIOLATION, channel: Channel = Channel.WEB,
             actor: str | None = "clerk", remedy: str | None = None, generated: bool = False,
             language: Language = Language.RU, act_date: dt.datetime | None = None,
             late_reason: str | None = None) -> Complaint:
        d = self.d
        data = ComplaintInput(
            election_id=d.election.id, kind=kind, summary=summary, remedy_sought=remedy,
            respondent_ids=[d.resp[k].id for k in respondents],
            allegations=[AllegationInput(category_id=d.cats[c].id, facts=facts, legal_provision=prov)
                         for c, facts, prov in allegations],
            incident_at=incident, awareness_at=awareness if kind == ComplaintKind.VIOLATION else None,
            act_date=act_date, region_id=d.regions[region].id,
            district_id=d.districts[district].id if district else None,
            precinct_id=d.precincts[precinct].id if precinct is not None else None,
            language=language, late_reason=late_reason)
        user = d.users[actor] if actor else None
        case = svc.create_complaint(self.s, data, filer=filer, actor=user, channel=channel, generated=generated)
        svc.apply_action(self.s, case, Action.SUBMIT, user, {"received_at": received, "late_reason": late_reason},
                         now=received, actor_override=frozenset({"filer", "clerk"}))
        return case

    def act(self, case: Complaint, action: Action, who: str | None, when: dt.datetime, **data: Any) -> None:
        user = self.d.users[who] if who else None
        svc.apply_action(self.s, case, action, user, data, now=when)

    def evidence(self, case: Complaint, kind: EvidenceKind, *, url: str | None = None, description: str,
                 who: str, when: dt.datetime) -> None:
        ev = Evidence(complaint_id=case.id, kind=kind, url=url, description=description,
                      submitted_by_id=self.d.users[who].id, submitted_at=when, confidential=False)
        self.s.add(ev)
        self.s.flush()
        self.act(case, Action.ADD_EVIDENCE, who, when,
                 evidence={"id": ev.id, "kind": kind.value, "url": url, "description": description})


def seed_article_cases(b: Builder) -> dict[str, Complaint]:
    d = b.d
    f = d.filers
    out: dict[str, Complaint] = {}
    # 1. Pressure on regional officials and students (Babanov's campaign, filed online by `monitor`).
    c = b.file(filer=f["monitor"], respondents=["jeenbekov", "university", "akim_osh"], actor="monitor",
               allegations=[("admin_resources", "Руководителям региональных органов поручили агитировать за "
                             "кандидата Жээнбекова в рабочее время.", "Конституционный закон о выборах, ст. 22"),
                            ("admin_resources", "Студентам университета сказали, что они лишатся мест в общежитии, "
                             "если не придут на агитационные мероприятия.", "Конституционный закон о выборах, ст. 22")],
               summary="Штаб кандидата Бабанова жалуется, что кандидат Жээнбеков использовал административный "
                       "ресурс: на региональных чиновников и студентов оказывалось давление, чтобы они агитировали "
                       "за него.",
               remedy="Вынести кандидату предупреждение и прекратить давление на чиновников и студентов.",
               region="OS", district=KARA_SUU, received=t(9, 26, 10), awareness=t(9, 24, 18),
               incident=t(9, 22, 9))
    b.act(c, Action.ACCEPT, "clerk", t(9, 26, 15), assignee_id=d.users["investigator"].id)
    b.act(c, Action.NOTIFY_RESPONDENT, "investigator", t(9, 27, 10), respondent_id=d.resp["jeenbekov"].id,
          served_at=t(9, 27, 10))
    b.act(c, Action.REQUEST_EVIDENCE, "investigator", t(9, 27, 11),
          note="Запросить у заявителя названия ведомств и письменные указания, если они есть.")
    out["pressure"] = c

    # 2. The banner at a polling station (photograph on a news website).
    c = b.file(filer=f["monitor2"], respondents=["jeenbekov"], actor="monitor2",
               allegations=[("prohibited_place", "Агитационный баннер кандидата Жээнбекова висел у входа на "
                             "избирательный участок № 1052.", "Конституционный закон о выборах, ст. 23(9)")],
               summary="Новостной сайт опубликовал фотографию агитационного баннера Жээнбекова на избирательном "
                       "участке.", remedy="Убрать баннер.", region="BI", district=LENINSKY, precinct=0,
               received=t(10, 2, 11), awareness=t(10, 1, 20), incident=t(10, 1, 9))
    b.evidence(c, EvidenceKind.LINK, url="https://example.org/news/banner-at-polling-station",
               description="Статья новостного сайта с фотографией", who="monitor2", when=t(10, 2, 11, 5))
    b.act(c, Action.ACCEPT, "clerk", t(10, 2, 14), assignee_id=d.users["investigator"].id)
    b.act(c, Action.NOTIFY_RESPONDENT, "investigator", t(10, 2, 16), respondent_id=d.resp["jeenbekov"].id,
          served_at=t(10, 2, 16))
    b.act(c, Action.RECORD_REPLY, "investigator", t(10, 3, 12), respondent_id=d.resp["jeenbekov"].id,
          reply="Штаб не размещал этот баннер и попросил его убрать.")
    b.act(c, Action.DRAFT_CONCLUSION, "investigator", t(10, 3, 15),
          conclusion="Баннер находился на территории избирательного участка; нарушение установлено.")
    b.act(c, Action.DECIDE, "commissioner", t(10, 4, 16), outcome="upheld",
          reasons="Баннер размещён на избирательном участке, где агитация запрещена.",
          legal_basis="Конституционный закон о выборах, ст. 23(9)", remedy="Убрать баннер в течение 24 часов.",
          votes_for=9, votes_against=1, votes_abstain=1,
          sanctions=[{"kind": "removal_of_material", "respondent_id": d.resp["jeenbekov"].id,
                      "note": "Баннер на избирательном участке № 1052"}])
    b.act(c, Action.PUBLISH, "clerk", t(10, 5, 10))
    out["banner"] = c

    # 3. Three campaigns, each: media reports meant to smear them (three related cases).
    smear = []
    for key, filer, target, media in (("smear_babanov", f["monitor"], "babanov", "tv_channel"),
                                      ("smear_jeenbekov", f["jeenbekov_hq"], "jeenbekov", "news_site"),
                                      ("smear_torobaev", f["torobaev_hq"], "torobaev", "regional_paper")):
        name = d.resp[target].name
        kyrgyz = target == "torobaev"  # the Torobaev campaign wrote in Kyrgyz
        facts = (f"Басылмалар {name} талапкерди каралоого багытталган жалган маалымат таратты." if kyrgyz else
                 f"Публикации распространяли ложные сведения, порочащие кандидата {name}.")
        summary = (f"{name} талапкердин штабы ЖМКдагы басылмалар талапкердин кадыр-баркын түшүрүүгө "
                   "багытталган деп билдирет." if kyrgyz else
                   f"Штаб кандидата {name} заявляет, что публикации в СМИ были направлены на то, чтобы "
                   "опорочить кандидата.")
        c = b.file(filer=filer, respondents=[media], actor="monitor" if filer is f["monitor"] else "clerk",
                   channel=Channel.WEB if filer is f["monitor"] else Channel.PAPER,
                   language=Language.KY if kyrgyz else Language.RU,
                   allegations=[("defamation", facts, "Шайлоо жөнүндө конституциялык мыйзам, 22(5)-берене" if kyrgyz
                                 else "Конституционный закон о выборах, ст. 22(5)")],
                   summary=summary, region="BI", received=t(10, 6, 10 + len(smear)), awareness=t(10, 5, 19))
        smear.append(c)
        out[key] = c
    b.act(smear[1], Action.LINK_CASE, "clerk", t(10, 6, 15), other_case=smear[0].registration_number, link_kind="related_to")
    b.act(smear[2], Action.LINK_CASE, "clerk", t(10, 6, 15, 5), other_case=smear[0].registration_number, link_kind="related_to")
    b.act(smear[0], Action.ACCEPT, "clerk", t(10, 6, 16), assignee_id=d.users["investigator"].id)
    b.act(smear[0], Action.DECIDE, "commissioner", t(10, 8, 15), outcome="rejected",
          reasons="Публикации — это мнения и комментарии о публичном лице; ложных утверждений о фактах не "
                  "представлено.", legal_basis="Конституционный закон о выборах, ст. 22(5)",
          votes_for=8, votes_against=2, votes_abstain=1,
          dissent="Два члена комиссии сочли одну из публикаций клеветнической.")
    b.act(smear[0], Action.PUBLISH, "clerk", t(10, 8, 18))
    b.act(smear[1], Action.ACCEPT, "clerk", t(10, 6, 17), assignee_id=d.users["investigator"].id)

    # 4. The foreign president's televised meeting, after the Foreign Ministry's note.
    c = b.file(filer=f["mfa"], respondents=["nazarbayev", "kazakhstan", "babanov"], channel=Channel.PAPER,
               allegations=[("foreign_interference", "19-сентябрда телевидениеден көрсөтүлгөн жолугушууда Казакстандын "
                             "Президенти Казакстан Бабанов сыяктуу талапкерди колдой турганын айтты, муну "
                             "Казакстандын ЖМКлары кеңири чагылдырды.", "Шайлоо жөнүндө конституциялык мыйзам, 4-берене")],
               summary="Тышкы иштер министрлиги БШКдан Казакстандын Президенти менен талапкер Бабановдун "
                       "жолугушуусун Кыргызстандын шайлоочуларына таасир этүү аракети катары кароону суранат.",
               region="BI", received=t(9, 20, 11), awareness=t(9, 19, 20), incident=t(9, 19, 15),
               language=Language.KY)
    b.evidence(c, EvidenceKind.VIDEO, url="https://example.org/tv/meeting-segment-1",
               description="Жолугушуу тууралуу телеберүүнүн үзүндүсү", who="clerk", when=t(9, 20, 12))
    b.evidence(c, EvidenceKind.LINK, url="https://example.org/press/coverage",
               description="Казакстандын ЖМКларынын жолугушууну чагылдыруусу", who="clerk", when=t(9, 20, 12, 5))
    b.act(c, Action.ACCEPT, "clerk", t(9, 20, 15), assignee_id=d.users["investigator"].id)
    b.act(c, Action.NOTIFY_RESPONDENT, "investigator", t(9, 21, 10), respondent_id=d.resp["babanov"].id,
          served_at=t(9, 21, 10))
    b.act(c, Action.RECORD_REPLY, "investigator", t(9, 22, 17), respondent_id=d.resp["babanov"].id,
          reply="Жолугушуу сылыктык сапары болгон; талапкер эч кандай колдоо сураган эмес.")
    b.act(c, Action.SCHEDULE_HEARING, "commissioner", t(9, 22, 18), hearing_at=t(9, 23, 10),
          hearing_place="БШКнын отурумдар залы, Бишкек")
    out["foreign"] = c

    # 5. The Osh speech: 13 complaints, one respondent, joined; GKNB expert review; a warning.
    osh = []
    rng = random.Random(13)
    for i in range(13):
        filer = private_voter(b.s, 900 + i, rng)
        b.s.flush()
        c = b.file(filer=filer, respondents=["babanov"], channel=rng.choice([Channel.PAPER, Channel.EMAIL, Channel.WEB]),
                   allegations=[("incitement", "Выступая в Оше, кандидат сделал заявления, настраивающие "
                                 "этнические группы друг против друга.", "Конституционный закон о выборах, ст. 22(4)")],
                   summary="Жалоба на выступление кандидата Бабанова в Оше.", region="OC",
                   received=t(10, 1 + i // 5, 9 + i % 5), awareness=t(9, 30, 20))
        osh.append(c)
    lead = osh[0]
    for c in osh[1:]:
        b.act(c, Action.LINK_CASE, "clerk", t(10, 4, 9), other_case=lead.registration_number, link_kind="joined_with")
    b.act(lead, Action.ACCEPT, "clerk", t(10, 4, 10), assignee_id=d.users["investigator"].id)
    b.act(lead, Action.REQUEST_EVIDENCE, "investigator", t(10, 4, 12),
          note="Рабочая группа: запись выступления направлена в Государственный комитет национальной "
               "безопасности (ГКНБ) на лингвистическую экспертизу.")
    b.act(lead, Action.DECIDE, "commissioner", t(10, 6, 17), outcome="upheld",
          reasons="Экспертиза выявила высказывания, способные разжечь межэтническую рознь. Кандидату выносится "
                  "предупреждение (третье).", legal_basis="Конституционный закон о выборах, ст. 22(4), ст. 48",
          votes_for=10, votes_against=1, votes_abstain=0,
          sanctions=[{"kind": "warning", "respondent_id": d.resp["babanov"].id, "note": "Третье предупреждение"},
                     {"kind": "referral_prosecutor", "respondent_id": d.resp["babanov"].id,
                      "note": "Материалы направлены в Генеральную прокуратуру"}])
    b.act(lead, Action.PUBLISH, "clerk", t(10, 7, 9))
    for c in osh[1:4]:
        b.act(c, Action.WITHDRAW, None if False else "clerk", t(10, 7, 12), reason="Объединено с делом " + (lead.registration_number or ""))
    out["osh"] = lead

    # 6. Umetalieva challenges 27 Bishkek polling stations' results: the full appeal chain.
    c = b.file(filer=f["umetalieva"], respondents=["tec_sverdlovsky"], kind=ComplaintKind.APPEAL, channel=Channel.PAPER,
               allegations=[("counting", "Территориальная комиссия отказалась пересчитать голоса и признать "
                             "недействительными итоги на 27 избирательных участках, несмотря на задокументированные "
                             "нарушения.", "Конституционный закон о выборах, ст. 44")],
               summary="Кандидат Үметалиева обжалует отказ территориальной комиссии признать недействительными "
                       "итоги голосования на 27 избирательных участках Бишкека.", region="BI", district=SVERDLOVSKY,
               received=t(10, 18, 10), awareness=t(10, 17, 18), act_date=t(10, 17, 18))
    b.act(c, Action.ACCEPT, "clerk", t(10, 18, 12), assignee_id=d.users["investigator"].id)
    b.act(c, Action.DECIDE, "commissioner", t(10, 20, 16), outcome="rejected",
          reasons="Заявленные нарушения не повлияли на определение результатов выборов.",
          legal_basis="Конституционный закон о выборах, ст. 44", votes_for=9, votes_against=2)
    b.act(c, Action.PUBLISH, "clerk", t(10, 20, 18))
    b.act(c, Action.FILE_APPEAL, "clerk", t(10, 22, 10), appeal_body="first_instance_court", appellant="filer",
          case_number="ID-2017-1187", filed_at=t(10, 22, 10))
    b.act(c, Action.RECORD_APPEAL_OUTCOME, "clerk", t(10, 27, 15), appeal_outcome="affirmed",
          note="Межрайонный суд города Бишкек оставил решение ЦИК в силе.")
    b.act(c, Action.FILE_APPEAL, "clerk", t(10, 29, 10), appeal_body="supreme_court", appellant="filer",
          case_number="SC-2017-0412", filed_at=t(10, 29, 10))
    b.act(c, Action.RECORD_APPEAL_OUTCOME, "clerk", t(11, 3, 15), appeal_outcome="affirmed",
          note="Решение Верховного суда окончательное.")
    b.act(c, Action.CLOSE, "clerk", t(11, 3, 16))
    out["umetalieva"] = c
    return out


def seed_late_case(b: Builder) -> Complaint:
    """7. Register entry No. 103: received 24 October, five days after the act of 19 October."""
    d = b.d
    c = b.file(filer=d.filers["ngo"], respondents=["tec_leninsky"], kind=ComplaintKind.APPEAL, channel=Channel.PAPER,
               allegations=[("commission_act", "Решение территориальной комиссии от 19 октября об установлении итогов "
                             "голосования незаконно.", "Конституционный закон о выборах, ст. 44")],
               summary="Жалоба на решение территориальной комиссии от 19 октября.", region="BI",
               district=LENINSKY, received=t(10, 24, 11), awareness=t(10, 19, 17), act_date=t(10, 19, 17),
               late_reason=None)
    b.act(c, Action.DECLARE_INADMISSIBLE, "clerk", t(10, 24, 15), grounds=["late"],
          reasons="Жалоба подана через пять дней после решения территориальной комиссии от 19 октября; срок "
                  "обжалования — три дня, причина пропуска срока не указана.",
          legal_basis="Конституционный закон о выборах, ст. 44(4)",
          how_to_appeal="В Межрайонный суд города Бишкек в течение трёх дней со дня получения этого решения.")
    b.act(c, Action.CONFIRM_INADMISSIBILITY, "commissioner", t(10, 25, 10))
    b.act(c, Action.CLOSE, "clerk", t(10, 30, 10))
    return c


#: The generated cases' text, in Russian and in Kyrgyz (every fourth case is in Kyrgyz).
GEN_SUMMARIES: dict[str, tuple[str, str]] = {
    "admin_resources": ("Работникам бюджетной сферы велели прийти на агитационный митинг.",
                        "Бюджеттик мекемелердин кызматкерлерине үгүт митингине келүү буйрулду."),
    "vote_buying": ("Избирателям предлагали деньги или продукты в обмен на голоса.",
                    "Шайлоочуларга добуш үчүн акча же азык-түлүк сунушталды."),
    "campaign_period": ("Агитационные материалы распространялись до начала агитационного периода.",
                        "Үгүт материалдары үгүт мезгили башталганга чейин таратылды."),
    "prohibited_place": ("Агитационные материалы обнаружены в запрещённом месте.",
                         "Үгүт материалдары тыюу салынган жерден табылды."),
    "defamation": ("Публикация распространила ложные сведения о кандидате.",
                   "Басылма талапкер тууралуу жалган маалымат таратты."),
    "media": ("Телеканал предоставил одному кандидату бесплатный эфир, в котором отказал другим.",
              "Телеканал бир талапкерге акысыз эфир берип, башкаларга бербей койду."),
    "foreign_interference": ("Иностранное должностное лицо публично поддержало кандидата.",
                             "Чет мамлекеттин кызмат адамы талапкерди ачык колдоду."),
    "campaign_finance": ("Штаб тратил средства, не прошедшие через избирательный фонд.",
                         "Штаб шайлоо фонду аркылуу өтпөгөн каражатты сарптады."),
    "voter_lists": ("Избиратели не нашли себя в списке избирателей своего участка.",
                    "Шайлоочулар өз участогунун шайлоочулар тизмесинен өздөрүн таппай калышты."),
    "election_day": ("Наблюдателей не пустили на избирательный участок.",
                     "Байкоочулар шайлоо участогуна киргизилген жок."),
    "counting": ("Подсчёт голосов проводился без наблюдателей.",
                 "Добуштар байкоочуларсыз эсептелди."),
    "commission_act": ("Участковая комиссия отказалась зарегистрировать жалобу.",
                       "Участкалык комиссия даттанууну каттоодон баш тартты."),
    "incitement": ("Распространялись листовки, разжигающие межэтническую вражду.",
                   "Улуттар аралык кастыкты козуткан баракчалар таратылды."),
}


def seed_generated(b: Builder, count: int, rng: random.Random,
                   before_each: Callable[[int], None] | None = None) -> None:
    d = b.d
    cat_keys = list(d.cats)
    region_keys = list(d.regions)
    candidate_keys = [k for k, r in d.resp.items() if r.kind == RespondentKind.CANDIDATE]
    other_keys = [k for k, r in d.resp.items() if r.kind not in (RespondentKind.CANDIDATE, RespondentKind.PARTY)]
    start = t(8, 20, 9)
    for i in range(count):
        if before_each:
            before_each(i)
        cat = rng.choice(cat_keys)
        region = rng.choice(region_keys)
        # Filings cluster around election day, as they do.
        day_offset = min(75, max(0, int(rng.triangular(0, 75, 55))))
        received = start + dt.timedelta(days=day_offset, hours=rng.randrange(0, 11), minutes=rng.randrange(60))
        awareness = received - dt.timedelta(hours=rng.randrange(2, 100))
        resp = rng.choice(candidate_keys) if rng.random() < 0.7 else rng.choice(other_keys)
        filer_choice = rng.random()
        if filer_choice < 0.55:
            filer = private_voter(b.s, i, rng)
            b.s.flush()
        elif filer_choice < 0.7:
            filer = d.filers["anonymous"]
        else:
            filer = d.filers[rng.choice(["jeenbekov_hq", "torobaev_hq", "ngo", "monitor2"])]
        region_obj = d.regions[region]
        district = rng.choice(region_obj.districts)
        kyrgyz = i % 4 == 0
        text = GEN_SUMMARIES[cat][1 if kyrgyz else 0]
        case = b.file(filer=filer, respondents=[resp], generated=True,
                      channel=rng.choice([Channel.WEB, Channel.WEB, Channel.PAPER, Channel.PHONE, Channel.EMAIL]),
                      allegations=[(cat, text, None)], language=Language.KY if kyrgyz else Language.RU,
                      summary=("[демо-жалоба] " if not kyrgyz else "[демо-даттануу] ") + text, region=region,
                      district=district.name,
                      received=received, awareness=awareness, actor="clerk")
        advance_randomly(b, case, rng, received)


def advance_randomly(b: Builder, case: Complaint, rng: random.Random, received: dt.datetime) -> None:
    d = b.d
    when = received + dt.timedelta(hours=rng.randrange(2, 20))
    roll = rng.random()
    if roll < 0.12:
        return  # still submitted
    if roll < 0.18:
        b.act(case, Action.MARK_DEFICIENT, "clerk", when, defects=["Нет подписи заявителя."])
        return
    if roll < 0.24:
        b.act(case, Action.DECLARE_INADMISSIBLE, "clerk", when, grounds=[rng.choice(["late", "no_standing",
                                                                                   "not_competent"])],
              reasons="Жалоба не соответствует условиям приемлемости.",
              legal_basis="Конституционный закон о выборах, ст. 44", how_to_appeal="В суд в течение трёх дней.")
        if rng.random() < 0.7:
            b.act(case, Action.CONFIRM_INADMISSIBILITY, "commissioner", when + dt.timedelta(hours=5))
        return
    if roll < 0.28:
        b.act(case, Action.TRANSFER, "clerk", when, transfer_to=rng.choice(["lower_commission", "police", "prosecutor"]))
        return
    b.act(case, Action.ACCEPT, "clerk", when, assignee_id=d.users["investigator"].id)
    if roll < 0.33:
        return
    when += dt.timedelta(hours=rng.randrange(3, 30))
    if roll < 0.36:
        b.act(case, Action.WITHDRAW, "clerk", when, reason="Заявитель отозвал жалобу.")
        return
    if roll < 0.42:
        b.act(case, Action.SCHEDULE_HEARING, "commissioner", when, hearing_at=when + dt.timedelta(hours=20),
              hearing_place="Зал заседаний ЦИК")
        return
    outcome = rng.choice(["upheld", "partly_upheld", "rejected", "rejected"])
    sanctions = []
    if outcome != "rejected" and rng.random() < 0.6:
        sanctions = [{"kind": rng.choice(["warning", "warning", "fine", "removal_of_material"]),
                      "respondent_id": case.respondents[0].id,
                      "amount": 10000 if rng.random() < 0.3 else None}]
        if sanctions[0]["kind"] == "fine":
            sanctions[0]["amount"] = 10000
    # Some decisions come late: the deadline is not always met.
    decided_at = when + dt.timedelta(hours=rng.randrange(0, 60))
    b.act(case, Action.DECIDE, "commissioner", decided_at, outcome=outcome, reasons="Мотивировка изложена на заседании.",
          legal_basis="Конституционный закон о выборах", votes_for=rng.randrange(7, 12), votes_against=rng.randrange(0, 3),
          votes_abstain=rng.randrange(0, 2), sanctions=sanctions)
    if roll < 0.5:
        return
    b.act(case, Action.PUBLISH, "clerk", decided_at + dt.timedelta(hours=3))
    if roll < 0.9:
        if rng.random() < 0.6:
            b.act(case, Action.CLOSE, "clerk", decided_at + dt.timedelta(days=4))
        return
    b.act(case, Action.FILE_APPEAL, "clerk", decided_at + dt.timedelta(days=1), appeal_body="first_instance_court",
          appellant=rng.choice(["filer", "respondent"]) if not case.filer.is_anonymous else "respondent",
          filed_at=decided_at + dt.timedelta(days=1))
    if roll < 0.95:
        b.act(case, Action.RECORD_APPEAL_OUTCOME, "clerk", decided_at + dt.timedelta(days=6),
              appeal_outcome=rng.choice(["affirmed", "reversed", "remanded"]))


def seed_open_demo_cases(b: Builder) -> None:
    """Cases received recently, so the work queue has live clocks to show."""
    d = b.d
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    b.file(filer=d.filers["monitor"], respondents=["jeenbekov"], actor="monitor",
           allegations=[("vote_buying", "На агитационной встрече избирателям раздавали продуктовые наборы.", None)],
           summary="Продуктовые наборы раздавались на агитационной встрече в Ноокате.", region="OS", district=NOOKAT,
           received=now - dt.timedelta(hours=5), awareness=now - dt.timedelta(hours=20))
    b.file(filer=d.filers["monitor2"], respondents=["pec_1052"], actor="monitor2",
           allegations=[("election_day", "Участкалык комиссия байкоочуларды добуштарды эсептөөгө киргизген жок.",
                         None)],
           summary="1052-участокто байкоочулар добуштарды эсептөөгө киргизилген жок.", language=Language.KY,
           region="BI", district=LENINSKY,
           precinct=0, received=now - dt.timedelta(hours=30), awareness=now - dt.timedelta(hours=40))


def seed_demo(session: Session, password: str, generated: int = 300, live: bool = False) -> bool:
    """Load the demo once; return False (and change nothing) if it is already there.
    `live`: settle the 2017 cases as of the end of 2017 (closed when their appeal window ran
    out, marked overdue then) and add an election whose voting day is today."""
    if session.scalar(select(Election).where(Election.code == ELECTION_CODE)) is not None:
        return False
    from complaints.services.history import ensure_head
    ensure_head(session)
    seed_places(session)
    election = seed_election(session)
    resp = seed_respondents(session, election)
    users = seed_users(session, password)
    filers = seed_filers(session, resp, users)
    regions = {r.code: r for r in session.scalars(select(Region))}
    districts = {dd.name: dd for dd in session.scalars(select(District))}
    precincts = list(session.scalars(select(Precinct).order_by(Precinct.number)))
    precincts.insert(0, precincts.pop(next(i for i, p in enumerate(precincts) if p.district.name == LENINSKY)))
    cats = {c.code: c for c in election.categories}
    d = Demo(election, cats, regions, districts, precincts, resp, users, filers)
    b = Builder(session, d)
    seed_article_cases(b)
    rng = random.Random(2017)
    # Generated cases fill the register up to No. 102, so the late appeal is No. 103 as in the real register.
    before_late = max(0, 102 - (election.case_seq or 0))
    seed_generated(b, min(before_late, generated), rng)
    if election.case_seq < 102:
        election.case_seq = 102
        session.flush()
    seed_late_case(b)
    seed_generated(b, max(0, generated - before_late), rng)
    seed_open_demo_cases(b)
    if live:
        from complaints.seed_live import seed_live_election

        settle_2017(session)
        seed_live_election(b)
    session.flush()
    return True


def settle_2017(session: Session) -> None:
    """Run the deadline sweep as it would have run at the end of 2017, so the 2017 cases
    are not closed (in bulk, dated today) by the first sweep of a fresh demo."""
    from complaints.services.cases import sweep

    while any(sweep(session, now=t(12, 31, 23, 0)).values()):
        pass


__all__ = ["seed_demo", "add_categories", "DEFAULT_CATEGORIES", "AppealBody", "AppealOutcome", "Appellant",
           "InadmissibilityGround", "LinkKind", "Outcome", "ReceivingBody", "SanctionKind", "TransferBody"]
