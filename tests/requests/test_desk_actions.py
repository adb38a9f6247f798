"""Services' desk actions (``Service.desk_actions``): offered only where their service lets
the request move, and their own fields asked and checked on a service's desk page."""

import datetime

import pytest
from django import forms

from ecommune.core.registry import registry
from ecommune.core.services import DeskAction
from ecommune.requests import desk_actions
from ecommune.requests.service_desk import DeskActionForm
from ecommune.requests.services import allowed_transitions, status_choices


@pytest.mark.parametrize("service", list(registry), ids=lambda service: service.slug)
def test_every_desk_action_moves_only_where_its_service_allows(service):
    """Each action with a ``to_status`` is offered only in statuses its service lets go
    there: an agent is never offered a move the engine then refuses."""
    for status, _label in status_choices(service):
        for action in desk_actions.offered(service, status):
            if action.to_status:
                assert action.to_status in allowed_transitions(service, status), (
                    f"{service.slug}.{action.name} from {status}"
                )


class GrantForm(forms.Form):
    until = forms.DateField(label="Until")


OFFERED = [
    DeskAction("grant", "Grant", to_status="done", form=GrantForm),
    DeskAction("refuse", "Refuse", to_status="rejected", needs_reason=True, reason_label="Why"),
]


def test_the_desk_form_asks_the_fields_of_the_action_chosen_only():
    form = DeskActionForm(offered=OFFERED)
    assert [value for value, _label in form.fields["action"].choices] == ["grant", "refuse"]
    assert "until" in form.fields and form.fields["reason"].label == "Why"

    missing = DeskActionForm({"action": "grant"}, offered=OFFERED)
    assert not missing.is_valid() and "until" in missing.errors
    granted = DeskActionForm({"action": "grant", "until": "2026-05-01"}, offered=OFFERED)
    assert granted.is_valid() and granted.cleaned_data["until"] == datetime.date(2026, 5, 1)
    refused = DeskActionForm({"action": "refuse"}, offered=OFFERED)
    assert not refused.is_valid() and "reason" in refused.errors
    assert DeskActionForm({"action": "refuse", "reason": "Non."}, offered=OFFERED).is_valid()
