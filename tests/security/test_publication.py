"""Publishing never puts the unredacted reasons in the public register (finding 5)."""
from __future__ import annotations

from complaints.lifecycle import Action, State
from complaints.services import cases as svc
from tests.workflow_helpers import case_in_state


def test_publishing_without_a_redacted_text_publishes_no_reasons(client, session, users):
    case = case_in_state(session, State.DECIDED)
    case.decision.reasons = "Witness Asel Private, ID AN1234567, saw the payment."
    session.flush()
    svc.apply_action(session, case, Action.PUBLISH, users["clerk"], {})
    assert case.decision.public_text is None
    for url in (f"/public/cases/{case.registration_number}", f"/public/register.json?q={case.registration_number}"):
        body = client.get(url).get_data(as_text=True)
        assert "Asel Private" not in body and "AN1234567" not in body, url


def test_the_publish_form_does_not_prefill_the_reasons(client, auth, session):
    case = case_in_state(session, State.DECIDED)
    case.decision.reasons = "Witness Asel Private, ID AN1234567, saw the payment."
    session.flush()
    auth.login("clerk")
    page = client.get(f"/cases/{case.registration_number}").get_data(as_text=True)
    assert 'name="publish-public_text"' in page
    assert "AN1234567" not in page.split('name="publish-public_text"', 1)[1].split("</textarea>", 1)[0]
