"""Operators' command for the search index (registered through the registry blueprint:
`flask --app app search rebuild`)."""
from __future__ import annotations

import click
from sqlalchemy import func, select

from complaints.db import db
from complaints.models import Complaint
from complaints.services import search


@click.group("search")
def search_group() -> None:
    """The full-text search index."""


@search_group.command("rebuild")
def search_rebuild_command() -> None:
    """Rewrite every case's search row (after a bulk load or a change of folding rules)."""
    session = db.session()
    total = session.scalar(select(func.count(Complaint.id))) or 0
    with click.progressbar(length=total, label="Indexing cases") as bar:
        done = search.rebuild(session, progress=bar.update)
    session.commit()
    click.echo(f"Indexed {done} case(s).")
