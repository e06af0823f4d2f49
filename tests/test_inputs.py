"""One input schema per action (complaints.inputs): the service loads it, the API
describes it, and the web's action forms ask for exactly its fields."""
from __future__ import annotations

import pytest
from wtforms.validators import DataRequired, InputRequired

from complaints import inputs
from complaints.forms.actions import FORMS
from complaints.lifecycle import RULES, Action

FORM_ONLY = {"version", "csrf_token"}


def test_every_action_of_the_table_has_its_schema():
    for action in {r.action for r in RULES}:
        assert (action in inputs.INPUTS) != (action in inputs.CONTENT_ACTIONS), action


@pytest.mark.parametrize("action", list(FORMS))
def test_the_web_form_asks_for_what_the_schema_loads(app, action):
    with app.test_request_context():
        form = FORMS[action](formdata=None, meta={"csrf": False})
    schema = inputs.INPUTS[action]()
    fields = {name for name in form._fields if name not in FORM_ONLY}
    assert fields == set(schema.fields), action
    for name in fields:
        field = form._fields[name]
        required = any(isinstance(v, DataRequired | InputRequired) for v in field.validators)
        assert required == schema.fields[name].required, (action, name)


@pytest.mark.parametrize("action", list(inputs.NOTE_FIELDS))
def test_the_history_note_is_a_field_of_the_input(action):
    assert inputs.NOTE_FIELDS[action] in inputs.INPUTS[action]().fields


def test_blank_is_not_given_and_text_is_trimmed():
    assert inputs.load(Action.WITHDRAW, {"reason": "  "}) == {}
    assert inputs.load(Action.ADD_NOTE, {"note": "  seen  "}) == {"note": "seen"}
    with pytest.raises(inputs.InputError) as info:
        inputs.load(Action.ADD_NOTE, {"note": " "})
    assert set(info.value.fields) == {"note"}


def test_defects_from_a_textarea_or_a_list():
    assert inputs.load(Action.MARK_DEFICIENT, {"defects": "No date.\n\n  No signature. \n"})["defects"] == [
        "No date.", "No signature."]
    assert inputs.load(Action.MARK_DEFICIENT, {"defects": ["No date."]})["defects"] == ["No date."]
    with pytest.raises(inputs.InputError):
        inputs.load(Action.MARK_DEFICIENT, {"defects": "\n \n"})


def test_times_need_their_offset_and_load_as_utc():
    loaded = inputs.load(Action.SCHEDULE_HEARING, {"hearing_at": "2017-10-16T10:00:00+06:00", "hearing_place": "CEC"})
    assert loaded["hearing_at"].isoformat() == "2017-10-16T04:00:00+00:00"
    with pytest.raises(inputs.InputError) as info:
        inputs.load(Action.SCHEDULE_HEARING, {"hearing_at": "2017-10-16T10:00:00", "hearing_place": "CEC"})
    assert "hearing_at" in info.value.fields


def test_the_openapi_description_shows_each_actions_body(client):
    from complaints.api.schemas import API_ACTIONS

    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/api/v1/complaints/{registration_number}/actions"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    mapping = schema["discriminator"]["mapping"]
    assert set(mapping) == {a.value for a in API_ACTIONS} and len(schema["oneOf"]) == len(API_ACTIONS)
    decide = spec["components"]["schemas"]["DecideBody"]
    assert {"action", "version", "outcome", "reasons", "votes_for"} <= set(decide["required"])
    assert "mark_overdue" not in mapping and "submit" not in mapping
    page = client.get("/docs/api").get_data(as_text=True)
    assert "[decide] votes_for" in page
