"""Documents the commission issues on a case, as PDF: the published decision (public)
and the notice served on a respondent. Each is rendered in the case's language with an
embedded Unicode font (DejaVu, Debian's fonts-dejavu-core: the Makefile installs it),
carries a QR code to the case's public page, is stored content-addressed under
EVIDENCE_DIR/documents/, and its SHA-256 is a history row of its own
("decision_document", "notice_document") that the public page and the inclusion proof show.

`on_change` (a cases.ON_CHANGE listener) issues them when a decision is published or a
respondent is notified, in the same transaction; `configure` tells it where to store
files and which public address the QR code names (init_app does)."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import segno
from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints.access import PUBLIC_RECORD_ACTIONS
from complaints.models import CaseHistory, Complaint, RespondentNotice
from complaints.services import history
from complaints.services.register import public_entry

FONT_DIR = Path(os.environ.get("DOCUMENT_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
DECISION, NOTICE = "decision", "notice"
ACTIONS = {DECISION: "decision_document", NOTICE: "notice_document"}

LABELS: dict[str, dict[str, str]] = {
    "en": {"cec": "Central Election Commission", "decision": "Decision", "notice": "Notice",
           "number": "Registration number", "received": "Received", "decided": "Decided",
           "published": "Published", "outcome": "Outcome", "reasons": "Reasons", "votes": "Votes",
           "for": "for", "against": "against", "abstained": "abstained", "sanctions": "Sanctions",
           "respondents": "Respondents", "respondent": "Respondent", "served": "Served",
           "reply_due": "Reply due by", "notice_text": "A complaint concerning you was received. You may "
           "give the commission your reply by the date above.", "category": "Category", "region": "Region",
           "verify": "Check this document: its SHA-256 and proof of record are on the public page",
           "upheld": "complaint upheld", "partly_upheld": "complaint partly upheld",
           "rejected": "complaint rejected", "warning": "warning", "fine": "fine"},
    "ru": {"cec": "Центральная комиссия по выборам и проведению референдумов", "decision": "Решение",
           "notice": "Уведомление", "number": "Регистрационный номер", "received": "Получена",
           "decided": "Решение принято", "published": "Опубликовано", "outcome": "Результат",
           "reasons": "Мотивировка", "votes": "Голосование", "for": "за", "against": "против",
           "abstained": "воздержались", "sanctions": "Меры ответственности",
           "respondents": "Лица, на которых подана жалоба", "respondent": "Ответчик", "served": "Вручено",
           "reply_due": "Срок для объяснения", "notice_text": "В отношении вас поступила жалоба. Вы можете "
           "представить комиссии объяснение до указанного срока.", "category": "Категория", "region": "Регион",
           "verify": "Проверка документа: его SHA-256 и доказательство записи на публичной странице",
           "upheld": "жалоба удовлетворена", "partly_upheld": "жалоба удовлетворена частично",
           "rejected": "в удовлетворении жалобы отказано", "warning": "предупреждение", "fine": "штраф"},
    "ky": {"cec": "Шайлоо жана референдум өткөрүү боюнча борбордук комиссия", "decision": "Чечим",
           "notice": "Билдирме", "number": "Каттоо номери", "received": "Кабыл алынды",
           "decided": "Чечим кабыл алынды", "published": "Жарыяланды", "outcome": "Жыйынтык",
           "reasons": "Негиздеме", "votes": "Добуш берүү", "for": "жактады", "against": "каршы",
           "abstained": "калыс калды", "sanctions": "Жоопкерчилик чаралары",
           "respondents": "Даттануу берилген тараптар", "respondent": "Жоопкер", "served": "Тапшырылды",
           "reply_due": "Түшүндүрмө берүү мөөнөтү", "notice_text": "Сизге карата даттануу түштү. Көрсөтүлгөн "
           "мөөнөткө чейин комиссияга түшүндүрмө бере аласыз.", "category": "Категория", "region": "Аймак",
           "verify": "Документти текшерүү: анын SHA-256 жана жазуунун далили ачык баракта",
           "upheld": "даттануу канааттандырылды", "partly_upheld": "даттануу жарым-жартылай канааттандырылды",
           "rejected": "даттанууну канааттандыруудан баш тартылды", "warning": "эскертүү", "fine": "айып пул"},
}


@dataclass
class Settings:
    evidence_dir: str
    public_base_url: str


_settings: Settings | None = None


def configure(evidence_dir: str, public_base_url: str) -> None:
    global _settings
    _settings = Settings(evidence_dir, public_base_url.rstrip("/"))


def language_of(case: Complaint) -> str:
    value = getattr(case.language, "value", case.language) or "ru"
    return value if value in LABELS else "ru"


def public_url(base: str, case: Complaint) -> str:
    return f"{base}/public/cases/{case.registration_number}"


def path_for(evidence_dir: str | os.PathLike[str], sha256: str) -> Path:
    return Path(evidence_dir) / "documents" / sha256[:2] / f"{sha256}.pdf"


class _Pdf(FPDF):
    def __init__(self, title: str, when: dt.datetime) -> None:
        super().__init__(format="A4")
        self.set_creation_date(when)
        self.set_title(title)
        self.set_producer("Aryz")
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(True, margin=20)
        self.add_page()

    def line_of(self, text: str, size: float = 11, bold: bool = False, gap: float = 2) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)


def _local(value: dt.datetime | str | None, tz: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _qr(pdf: _Pdf, url: str, caption: str) -> None:
    image = io.BytesIO()
    segno.make(url, error="m").save(image, kind="png", scale=6, border=2)
    image.seek(0)
    y = pdf.get_y() + 4
    if y > pdf.h - 60:
        pdf.add_page()
        y = pdf.get_y()
    pdf.image(image, x=pdf.l_margin, y=y, w=35, h=35)
    pdf.set_xy(pdf.l_margin + 40, y + 4)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(0, 4.5, f"{caption}:\n{url}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(y + 38)


def render_decision(case: Complaint, url: str, when: dt.datetime) -> bytes:
    """The published decision as the public may read it (register.public_entry), with the votes."""
    lang = language_of(case)
    t = LABELS[lang]
    tz = case.election.timezone
    entry = public_entry(case)
    decision = case.decision
    assert decision is not None
    pdf = _Pdf(f"{t['decision']} {case.registration_number}", when)
    pdf.line_of(t["cec"], 10)
    pdf.line_of(f"{t['decision']} · {case.registration_number}", 16, bold=True, gap=4)
    pdf.line_of(f"{t['number']}: {case.registration_number}")
    pdf.line_of(f"{t['received']}: {_local(case.received_at, tz)}")
    pdf.line_of(f"{t['decided']}: {_local(decision.decided_at, tz)}")
    pdf.line_of(f"{t['published']}: {_local(decision.published_at, tz)}")
    if entry["category"]:
        pdf.line_of(f"{t['category']}: {entry['category']}")
    if entry["region"]:
        pdf.line_of(f"{t['region']}: {entry['region']}")
    if entry["respondents"]:
        pdf.line_of(f"{t['respondents']}: " + "; ".join(r["name"] for r in entry["respondents"]))
    pdf.line_of(f"{t['outcome']}: {t.get(decision.outcome.value, decision.outcome.value)}", bold=True, gap=4)
    pdf.line_of(t["reasons"], 12, bold=True)
    pdf.line_of(entry["reasons"] or "—", gap=4)
    pdf.line_of(f"{t['votes']}: {t['for']} {decision.votes_for}, {t['against']} {decision.votes_against}, "
                f"{t['abstained']} {decision.votes_abstain}")
    if entry["sanctions"]:
        pdf.line_of(f"{t['sanctions']}: " + "; ".join(
            t.get(s["kind"], s["kind"]) + (f" ({s['respondent']})" if s["respondent"] else "")
            for s in entry["sanctions"]))
    _qr(pdf, url, t["verify"])
    return bytes(pdf.output())


def render_notice(case: Complaint, notice: RespondentNotice, url: str, when: dt.datetime) -> bytes:
    """The notice served on a respondent: the case, the respondent, when served, the reply deadline."""
    lang = language_of(case)
    t = LABELS[lang]
    tz = case.election.timezone
    pdf = _Pdf(f"{t['notice']} {case.registration_number}", when)
    pdf.line_of(t["cec"], 10)
    pdf.line_of(f"{t['notice']} · {case.registration_number}", 16, bold=True, gap=4)
    pdf.line_of(f"{t['number']}: {case.registration_number}")
    pdf.line_of(f"{t['respondent']}: {notice.respondent.name}")
    pdf.line_of(f"{t['served']}: {_local(notice.served_at, tz)}")
    pdf.line_of(f"{t['reply_due']}: {_local(notice.reply_due_at, tz)}", bold=True, gap=4)
    pdf.line_of(t["notice_text"], gap=4)
    if case.primary_category is not None:
        pdf.line_of(f"{t['category']}: {case.primary_category.name}")
    _qr(pdf, url, t["verify"])
    return bytes(pdf.output())


def store(evidence_dir: str | os.PathLike[str], content: bytes) -> str:
    sha = hashlib.sha256(content).hexdigest()
    target = path_for(evidence_dir, sha)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(content)
        os.replace(tmp, target)
    return sha


def issue(session: Session, case: Complaint, kind: str, *, evidence_dir: str, base_url: str,
          notice: RespondentNotice | None = None, now: dt.datetime | None = None) -> CaseHistory:
    """Render, store and record one document; the history row carries its SHA-256."""
    when = (now or case.updated_at or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    url = public_url(base_url, case)
    if kind == DECISION:
        content = render_decision(case, url, when)
    else:
        assert notice is not None
        content = render_notice(case, notice, url, when)
    sha = store(evidence_dir, content)
    payload: dict[str, Any] = {"document": {"kind": kind, "sha256": sha, "size": len(content),
                                            "language": language_of(case)}}
    if notice is not None:
        payload["document"]["notice_id"] = notice.id
    return history.append(session, case, actor=None, action=ACTIONS[kind], from_state=case.status.value,
                          to_state=case.status.value, payload=payload, actor_role="system")


def on_change(session: Session, case: Complaint, action: str, from_state: str | None, to_state: str) -> None:
    """cases.ON_CHANGE listener: a published decision or a served notice gets its document."""
    if _settings is None or case.is_generated:  # generated load-test cases get no documents
        return
    if action == "publish":
        issue(session, case, DECISION, evidence_dir=_settings.evidence_dir, base_url=_settings.public_base_url)
    elif action == "notify_respondent" and case.notices:
        session.flush()
        issue(session, case, NOTICE, notice=case.notices[-1], evidence_dir=_settings.evidence_dir,
              base_url=_settings.public_base_url)


def issued(session: Session, case: Complaint) -> list[dict[str, Any]]:
    """The documents issued on `case`, oldest first; only decisions are public to download."""
    out = []
    for row in session.execute(select(CaseHistory.seq, CaseHistory.at, CaseHistory.action, CaseHistory.payload)
                               .where(CaseHistory.complaint_id == case.id,
                                      CaseHistory.action.in_(PUBLIC_RECORD_ACTIONS))
                               .order_by(CaseHistory.seq)):
        doc = (row.payload or {}).get("document") or {}
        if doc.get("sha256"):
            out.append({"seq": row.seq, "at": row.at, "kind": doc.get("kind"), "sha256": doc["sha256"],
                        "language": doc.get("language"), "public": doc.get("kind") == DECISION})
    return out
