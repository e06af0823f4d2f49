"""Typed SQLAlchemy models, one module per aggregate. Importing this package
registers every table on `Base.metadata` (Alembic's env.py relies on it)."""
from complaints.db import Base
from complaints.models.audit import Checkpoint, MerkleNode
from complaints.models.complaint import (
    Allegation,
    Appeal,
    CaseLink,
    CaseNote,
    Complaint,
    ComplaintRespondent,
    Decision,
    RespondentNotice,
    Sanction,
)
from complaints.models.election import Category, District, Election, Precinct, Region, TransferTarget
from complaints.models.evidence import Evidence
from complaints.models.history import CaseHistory, HistoryHead, IdempotencyKey
from complaints.models.outbox import OutboxMessage, SmsInbound
from complaints.models.party import Filer, Respondent
from complaints.models.search import CaseSearch, SearchWord
from complaints.models.stats import StatCaseKeys, StatCounter  # noqa: F401  (dashboard counters)
from complaints.models.user import ApiToken, User

__all__ = [
    "Base", "Allegation", "Appeal", "CaseLink", "CaseNote", "Complaint", "ComplaintRespondent", "Decision",
    "RespondentNotice", "Sanction", "Category", "District", "Election", "Precinct", "Region", "Evidence",
    "CaseHistory", "HistoryHead", "IdempotencyKey", "Checkpoint", "MerkleNode", "Filer", "Respondent", "ApiToken",
    "User", "TransferTarget", "OutboxMessage", "SmsInbound",
    "CaseSearch", "SearchWord",
]
