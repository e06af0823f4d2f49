"""The words a person reads for each value of the closed vocabularies (states, actions,
roles, channels, kinds, outcomes, bodies...), in the request's language.

The values themselves (`under_examination`) stay the stable spelling of the API and the
database; only their labels are translated. A value that means different things in two
vocabularies (a *withdrawn* complaint, a *withdrawn* candidate) gets its own label per
vocabulary in `BY_VOCABULARY`."""
from __future__ import annotations

from enum import Enum
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

#: Label of each value, whichever vocabulary it comes from.
LABELS: dict[str, Any] = {
    # lifecycle states
    "draft": _l("draft"),
    "submitted": _l("submitted"),
    "deficient": _l("deficient"),
    "inadmissible": _l("inadmissible"),
    "transferred": _l("transferred"),
    "under_examination": _l("under examination"),
    "hearing_scheduled": _l("hearing scheduled"),
    "decided": _l("decided"),
    "published": _l("published"),
    "appealed": _l("appealed"),
    "appeal_decided": _l("appeal decided"),
    "reopened": _l("reopened"),
    "withdrawn": _l("withdrawn"),
    "closed": _l("closed"),
    # lifecycle actions
    "create": _l("create"),
    "edit": _l("edit"),
    "submit": _l("submit"),
    "mark_deficient": _l("mark deficient"),
    "cure": _l("cure"),
    "declare_inadmissible": _l("declare inadmissible"),
    "confirm_inadmissibility": _l("confirm inadmissibility"),
    "overturn_inadmissibility": _l("overturn inadmissibility"),
    "transfer": _l("transfer"),
    "accept": _l("accept"),
    "assign": _l("assign"),
    "notify_respondent": _l("notify respondent"),
    "record_reply": _l("record reply"),
    "request_evidence": _l("request evidence"),
    "add_evidence": _l("add evidence"),
    "add_note": _l("add note"),
    "draft_conclusion": _l("draft conclusion"),
    "link_case": _l("link case"),
    "schedule_hearing": _l("schedule hearing"),
    "decide": _l("decide"),
    "publish": _l("publish"),
    "file_appeal": _l("file appeal"),
    "record_appeal_outcome": _l("record appeal outcome"),
    "reopen": _l("reopen"),
    "withdraw": _l("withdraw"),
    "close": _l("close"),
    "mark_overdue": _l("mark overdue"),
    "cure_lapsed": _l("cure window lapsed"),
    # actors
    "monitor": _l("monitor"),
    "clerk": _l("clerk"),
    "investigator": _l("investigator"),
    "commissioner": _l("commissioner"),
    "admin": _l("admin"),
    "filer": _l("filer"),
    "system": _l("the system"),
    # election kinds, region kinds
    "presidential": _l("presidential"),
    "parliamentary": _l("parliamentary"),
    "local": _l("local"),
    "referendum": _l("referendum"),
    "oblast": _l("oblast"),
    "city": _l("city"),
    # channels
    "web": _l("web"),
    "api": _l("API"),
    "paper": _l("paper"),
    "phone": _l("phone"),
    "email": _l("e-mail"),
    "sms": _l("SMS"),
    # complaint kinds, receiving bodies
    "violation": _l("violation"),
    "appeal": _l("appeal"),
    "cec": _l("CEC"),
    "territorial": _l("territorial"),
    "precinct": _l("precinct"),
    # filers and respondents
    "voter": _l("voter"),
    "candidate": _l("candidate"),
    "representative": _l("representative"),
    "party": _l("party"),
    "observer": _l("observer"),
    "ngo": _l("NGO"),
    "state_body": _l("state body"),
    "anonymous": _l("anonymous"),
    "commission": _l("commission"),
    "commission_member": _l("commission member"),
    "official": _l("official"),
    "media": _l("media"),
    "foreign_state": _l("foreign state"),
    "foreign_official": _l("foreign official"),
    "private_person": _l("private person"),
    "registered": _l("registered"),
    "deregistered": _l("deregistered"),
    # languages
    "ky": _l("Kyrgyz"),
    "ru": _l("Russian"),
    "en": _l("English"),
    "uz": _l("Uzbek"),
    "other": _l("another language"),
    # evidence
    "photo": _l("photo"),
    "video": _l("video"),
    "audio": _l("audio"),
    "document": _l("document"),
    "link": _l("link"),
    "witness_statement": _l("witness statement"),
    # case links
    "duplicate_of": _l("duplicate of"),
    "related_to": _l("related to"),
    "joined_with": _l("joined with"),
    # outcomes and sanctions
    "upheld": _l("upheld"),
    "partly_upheld": _l("partly upheld"),
    "rejected": _l("rejected"),
    "warning": _l("warning"),
    "fine": _l("fine"),
    "removal_of_material": _l("removal of material"),
    "annulment_of_decision": _l("annulment of decision"),
    "annulment_of_results": _l("annulment of results"),
    "referral_police": _l("referral police"),
    "referral_prosecutor": _l("referral prosecutor"),
    "cancellation_of_registration": _l("cancellation of registration"),
    # appeals
    "territorial_commission": _l("territorial commission"),
    "first_instance_court": _l("first instance court"),
    "supreme_court": _l("Supreme Court"),
    "respondent": _l("respondent"),
    "affirmed": _l("affirmed"),
    "reversed": _l("reversed"),
    "remanded": _l("remanded"),
    # inadmissibility grounds
    "late": _l("late"),
    "no_standing": _l("no standing"),
    "not_competent": _l("not competent"),
    "duplicate": _l("duplicate"),
    "missing_elements": _l("missing elements"),
    # bodies a case is transferred to
    "lower_commission": _l("lower commission"),
    "higher_commission": _l("higher commission"),
    "police": _l("police"),
    "prosecutor": _l("prosecutor"),
    "court": _l("court"),
    "state_security": _l("state security"),
    # clocks
    "decision": _l("decision"),
    "confirmation": _l("confirmation"),
    # notes
    "note": _l("note"),
    "evidence_request": _l("evidence request"),
    "conclusion": _l("conclusion"),
}

#: Values whose meaning depends on the vocabulary: (enum class name, value) -> label.
BY_VOCABULARY: dict[tuple[str, str], Any] = {
    ("CandidateStatus", "withdrawn"): _l("withdrawn candidacy"),
    ("Clock", "cure"): _l("cure of defects"),
}


def label(value: Any) -> str:
    """The words for `value` (an enum member or its string value) in the current language.
    A value no vocabulary knows is shown as it is, underscores as spaces."""
    if value is None:
        return "—"
    raw = str(getattr(value, "value", value))
    if isinstance(value, Enum):
        special = BY_VOCABULARY.get((type(value).__name__, raw))
        if special is not None:
            return str(special)
    found = LABELS.get(raw)
    return str(found) if found is not None else raw.replace("_", " ")


def lazy_label(value: Any) -> LazyString:
    """`label(value)` evaluated when shown, for choices built when a module is imported."""
    return LazyString(label, value)
