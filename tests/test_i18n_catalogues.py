"""The catalogues: every message of the code and templates translated into Russian and
Kyrgyz (none missing, empty, fuzzy or stale), WTForms' own messages among them, and a
label for every value of every vocabulary."""
from __future__ import annotations

import re

from flask_babel import force_locale


def test_catalogues_are_complete_and_current():
    """Every message of the code and templates has a Russian and a Kyrgyz translation, none
    fuzzy or empty, with the same placeholders; and nothing in the catalogues is stale."""
    from babel.messages.pofile import read_po

    from complaints.i18n import TRANSLATIONS, extract

    template = {m.id for m in extract() if m.id}
    assert len(template) > 500
    for code in ("ru", "ky"):
        with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle, locale=code)
        ids = {m.id for m in catalog if m.id}
        assert not template - ids, f"{code}: not in the catalogue (run `make translations`): {template - ids}"
        assert not ids - template, f"{code}: stale entries no longer in the code: {ids - template}"
        fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
        assert not fuzzy, f"{code}: fuzzy: {fuzzy}"
        empty = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
        assert not empty, f"{code}: untranslated: {empty}"
        problems = [(m.id, errors) for m, errors in catalog.check() if errors]
        assert not problems, f"{code}: {problems}"


def test_wtforms_messages_are_all_in_our_catalogues():
    """WTForms' own messages are translated by us (it has no Kyrgyz): the list we extract
    must hold every message of the pinned WTForms."""
    from pathlib import Path

    import wtforms
    from babel.messages.pofile import read_po

    from complaints.forms.wtforms_messages import MESSAGES

    po = Path(wtforms.__file__).parent / "locale" / "ru" / "LC_MESSAGES" / "wtforms.po"
    with po.open("rb") as handle:
        theirs = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(handle) if m.id}
    ours = {m[0] if isinstance(m, tuple) else m for m in MESSAGES}
    assert theirs == ours


def test_labels_of_every_vocabulary_are_translated(app):
    from complaints import enums, labels
    from complaints.lifecycle import Action, State

    vocabularies = [State, Action, enums.Role, enums.Channel, enums.FilerKind, enums.RespondentKind,
                    enums.Outcome, enums.SanctionKind, enums.AppealBody, enums.AppealOutcome,
                    enums.InadmissibilityGround, enums.TransferBody, enums.Clock, enums.EvidenceKind,
                    enums.ComplaintKind, enums.ReceivingBody, enums.LinkKind, enums.CandidateStatus]
    with app.test_request_context():
        for lang in ("ru", "ky"):
            with force_locale(lang):
                untranslated = [f"{v.__name__}.{m.value}" for v in vocabularies for m in v
                                if re.search(r"[a-z]{3}", labels.label(m))]  # acronyms (API, SMS) stay
                assert not untranslated, (lang, untranslated)
