"""Errors the services raise; views turn them into form errors or JSON errors."""
from __future__ import annotations

import datetime as dt

from complaints.lifecycle import TransitionError

__all__ = ["ServiceError", "ValidationError", "ConflictError", "TransitionError", "NotPermitted"]


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(ServiceError):
    """Bad or missing data; `fields` maps each field to its message."""

    status = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class NotPermitted(ServiceError):
    status = 403


class ConflictError(ServiceError):
    """The case changed since the caller loaded it."""

    status = 409

    def __init__(self, message: str, *, changed_by: str | None = None, changed_at: dt.datetime | None = None,
                 current_version: int | None = None, current_status: str | None = None) -> None:
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.current_version = current_version
        self.current_status = current_status
