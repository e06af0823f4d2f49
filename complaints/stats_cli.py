"""Operators' commands for the dashboard counters and synthetic load data
(`flask --app app stats rebuild`, `flask --app app generate-cases N`)."""
from __future__ import annotations

import click
from sqlalchemy import func, select

from complaints.db import db
from complaints.models import Complaint, Election
from complaints.services import counters, stats


@click.group("stats")
def stats_group() -> None:
    """The dashboard counters."""


@stats_group.command("rebuild")
def stats_rebuild_command() -> None:
    """Recompute every dashboard counter from the cases."""
    session = db.session()
    total = session.scalar(select(func.count(Complaint.id))) or 0
    with click.progressbar(length=total, label="Counting cases") as bar:
        counted = counters.rebuild(session, progress=bar.update)
    session.commit()
    click.echo(f"Counted {counted} case(s).")


@click.command("generate-cases")
@click.argument("count", type=click.IntRange(1, 10_000_000))
@click.option("--election", "code", default=None, help="Election code (default: the current election).")
@click.option("--seed", type=int, default=None, help="Random seed, for a repeatable data set.")
@click.option("--batch", type=click.IntRange(100, 50_000), default=2000, show_default=True)
def generate_cases_command(count: int, code: str | None, seed: int | None, batch: int) -> None:
    """Add COUNT synthetic cases (marked as generated) with their histories."""
    from complaints.demo.generate import generate

    session = db.session()
    if code:
        election = session.scalar(select(Election).where(Election.code == code))
    else:
        election = stats.default_election(session)
    if election is None:
        raise click.ClickException("No such election (load one first, e.g. with seed-demo).")
    with click.progressbar(length=count, label=f"Generating cases for {election.code}") as bar:
        try:
            generate(session, count, election=election, seed=seed, batch=batch, progress=bar.update)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Added {count} generated case(s) to {election.code}.")
