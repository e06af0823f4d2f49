"""The 2017 demo's ground: the election, places, respondents, accounts and filers, and
the Builder that files and advances demo cases through the services."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints.enums import (
    CandidateStatus,
    Channel,
    ComplaintKind,
    ElectionKind,
    EvidenceKind,
    FilerKind,
    Language,
    RegionKind,
    RespondentKind,
    Role,
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
