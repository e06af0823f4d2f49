"""One transaction per request, for every page and every API endpoint.

As Indico's `RH.process` does: the view runs; when it returned normally with a status
below 400 (a page, a redirect, a 201), the request's work is committed; on any
exception, or an error status (a form sent back with 422, a refusal with 403 or 409),
it is rolled back. This is the only place a request commits or rolls back: views and
services flush, never commit. `init_app` wraps every endpoint the app has when it is
called (after all blueprints are registered); `tests/test_transaction.py` fails for an
endpoint left unwrapped.

A view that must try a step and carry on when it fails (and show the form again) runs
the step in `attempt()`, a savepoint: the step's writes are undone and the objects it
touched are expired, the rest of the request's transaction is kept."""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app

from complaints.db import db

#: Endpoints served by Flask itself, which never touch the database.
UNWRAPPED = frozenset({"static"})


def one_transaction(view: Callable[..., Any]) -> Callable[..., Any]:
    """`view`, committed when it returns a non-error response, rolled back otherwise."""
    if getattr(view, "one_transaction", False):
        return view

    @functools.wraps(view)
    def handle(*args: Any, **kwargs: Any) -> Any:
        session = db.session
        try:
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code < 400:
                session.commit()
            else:
                session.rollback()
        except BaseException:
            # Before the error handler renders its page: a half-done flush must not leak into it.
            session.rollback()
            raise
        return response

    handle.one_transaction = True  # type: ignore[attr-defined]
    return handle


def init_app(app: Flask) -> None:
    for endpoint, view in list(app.view_functions.items()):
        if endpoint not in UNWRAPPED:
            app.view_functions[endpoint] = one_transaction(view)


class Step:
    """The handle `attempt()` yields: `undo()` drops the step's writes when the block ends."""

    def __init__(self) -> None:
        self.undone = False

    def undo(self) -> None:
        self.undone = True


@contextmanager
def attempt() -> Iterator[Step]:
    """Run a step in a savepoint: if it raises (the exception goes on) or `undo()` was
    called, its writes are undone and the objects it changed expire; the request's
    earlier work stays."""
    savepoint = db.session.begin_nested()
    step = Step()
    try:
        yield step
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    if step.undone:
        savepoint.rollback()
    else:
        savepoint.commit()
