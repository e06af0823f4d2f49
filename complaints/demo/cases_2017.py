"""The 2017 demo's complaints: the seed article's cases in plausible states, the late
appeal No. 103, and generated cases advanced along random paths, all through the
services (so their histories are real histories)."""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from complaints.demo.base import KARA_SUU, LENINSKY, SVERDLOVSKY, Builder, private_voter, t
from complaints.enums import (
    Channel,
    ComplaintKind,
    EvidenceKind,
    Language,
    RespondentKind,
)
from complaints.lifecycle import Action
from complaints.models import (
    Complaint,
)


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
    smear: list[Complaint] = []
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
          appellant=rng.choice(["filer", "respondent"]) if not (case.filer and case.filer.is_anonymous) else "respondent",
          filed_at=decided_at + dt.timedelta(days=1))
    if roll < 0.95:
        b.act(case, Action.RECORD_APPEAL_OUTCOME, "clerk", decided_at + dt.timedelta(days=6),
              appeal_outcome=rng.choice(["affirmed", "reversed", "remanded"]))
