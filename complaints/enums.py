"""The domain's closed vocabularies (DOMAIN.md sections 1-3), as plain string enums.

Stored as VARCHAR with a CHECK constraint; the values are the stable API spelling."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    MONITOR = "monitor"
    CLERK = "clerk"
    INVESTIGATOR = "investigator"
    COMMISSIONER = "commissioner"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.CLERK, Role.INVESTIGATOR, Role.COMMISSIONER, Role.ADMIN})
CASE_STAFF_ROLES = frozenset({Role.CLERK, Role.INVESTIGATOR, Role.COMMISSIONER})


class ElectionKind(StrEnum):
    PRESIDENTIAL = "presidential"
    PARLIAMENTARY = "parliamentary"
    LOCAL = "local"
    REFERENDUM = "referendum"


class RegionKind(StrEnum):
    OBLAST = "oblast"
    CITY = "city"


class Channel(StrEnum):
    WEB = "web"
    API = "api"
    PAPER = "paper"
    PHONE = "phone"
    EMAIL = "email"
    SMS = "sms"


class ComplaintKind(StrEnum):
    VIOLATION = "violation"
    APPEAL = "appeal"


class ReceivingBody(StrEnum):
    CEC = "cec"
    TERRITORIAL = "territorial"
    PRECINCT = "precinct"


class FilerKind(StrEnum):
    VOTER = "voter"
    CANDIDATE = "candidate"
    REPRESENTATIVE = "representative"
    PARTY = "party"
    OBSERVER = "observer"
    NGO = "ngo"
    STATE_BODY = "state_body"
    ANONYMOUS = "anonymous"


#: Filers whose name is public knowledge and may appear in the public register.
PUBLIC_FILER_KINDS = frozenset({FilerKind.CANDIDATE, FilerKind.PARTY, FilerKind.STATE_BODY, FilerKind.NGO})


class RespondentKind(StrEnum):
    CANDIDATE = "candidate"
    PARTY = "party"
    COMMISSION = "commission"
    COMMISSION_MEMBER = "commission_member"
    STATE_BODY = "state_body"
    OFFICIAL = "official"
    MEDIA = "media"
    FOREIGN_STATE = "foreign_state"
    FOREIGN_OFFICIAL = "foreign_official"
    PRIVATE_PERSON = "private_person"


class CandidateStatus(StrEnum):
    REGISTERED = "registered"
    WITHDRAWN = "withdrawn"
    DEREGISTERED = "deregistered"


class Language(StrEnum):
    KY = "ky"
    RU = "ru"
    EN = "en"
    UZ = "uz"
    OTHER = "other"


class EvidenceKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    AUDIO = "audio"
    DOCUMENT = "document"
    LINK = "link"
    WITNESS = "witness_statement"


class LinkKind(StrEnum):
    DUPLICATE_OF = "duplicate_of"
    RELATED_TO = "related_to"
    JOINED_WITH = "joined_with"


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    REJECTED = "rejected"


class SanctionKind(StrEnum):
    WARNING = "warning"
    FINE = "fine"
    REMOVAL_OF_MATERIAL = "removal_of_material"
    ANNULMENT_OF_DECISION = "annulment_of_decision"
    ANNULMENT_OF_RESULTS = "annulment_of_results"
    REFERRAL_POLICE = "referral_police"
    REFERRAL_PROSECUTOR = "referral_prosecutor"
    CANCELLATION_OF_REGISTRATION = "cancellation_of_registration"


class AppealBody(StrEnum):
    TERRITORIAL = "territorial_commission"
    CEC = "cec"
    FIRST_INSTANCE_COURT = "first_instance_court"
    SUPREME_COURT = "supreme_court"


class Appellant(StrEnum):
    FILER = "filer"
    RESPONDENT = "respondent"


class AppealOutcome(StrEnum):
    AFFIRMED = "affirmed"
    REVERSED = "reversed"
    REMANDED = "remanded"


class InadmissibilityGround(StrEnum):
    LATE = "late"
    NO_STANDING = "no_standing"
    NOT_COMPETENT = "not_competent"
    DUPLICATE = "duplicate"
    MISSING_ELEMENTS = "missing_elements"


class TransferBody(StrEnum):
    LOWER_COMMISSION = "lower_commission"
    HIGHER_COMMISSION = "higher_commission"
    POLICE = "police"
    PROSECUTOR = "prosecutor"
    COURT = "court"
    STATE_SECURITY = "state_security"


class Clock(StrEnum):
    """Which statutory clock a case's `due_at` currently measures."""

    DECISION = "decision"
    CURE = "cure"
    CONFIRMATION = "confirmation"
    APPEAL = "appeal"


class OutboxChannel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class OutboxStatus(StrEnum):
    """A queued message: pending -> sending -> sent, or failed after its last attempt.
    UNKNOWN: a sender stopped between handing it to the server and recording that;
    it may have arrived and is never sent again (at most once)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
