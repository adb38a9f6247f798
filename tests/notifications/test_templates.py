"""Templates per event: the kit's default wording, a commune's own, rendering rules."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from ecommune.core import tenancy
from ecommune.notifications.events import Event, events
from ecommune.notifications.models import Channel, NotificationTemplate
from ecommune.notifications.rendering import (
    NotificationTemplateMissing,
    compile_commune_template,
    render_notification,
)
from ecommune.notifications.services import notify

CONTEXT = {
    "reference": "EC-2026-4F7K9",
    "service_title": "Écrire à la mairie",
    "applicant_name": "Camille Martin",
    "tracking_url": "https://commune-a.test/demandes/EC-2026-4F7K9/",
    "answer_url": "https://commune-a.test/demandes/EC-2026-4F7K9/repondre/",
    "expected_answer_on": datetime.date(2026, 3, 12),
    "status": "En cours",
    "comment": "",
    "missing": "Un justificatif de domicile",
    "message": "Votre dossier est complet.",
    "agent_name": "Dominique",
    "overdue": [
        {
            "reference": "EC-2026-AAAAA",
            "service_title": "Écrire à la mairie",
            "expected_answer_on": datetime.date(2026, 3, 1),
            "url": "https://commune-a.test/admin/x/",
        }
    ],
    "due_soon": [],
}


def override(commune, **fields):
    fields.setdefault("event", "request.acknowledged")
    fields.setdefault("channel", Channel.EMAIL)
    fields.setdefault("subject", "Votre demande {{ reference }} à {{ commune_name }}")
    fields.setdefault("body", "Merci {{ applicant_name }} : {{ reference }}.")
    return NotificationTemplate.unscoped.create(commune=commune, **fields)


@pytest.mark.parametrize(
    ("event", "channel"),
    [(event.key, channel) for event in events for channel in event.channels],
)
def test_every_kit_event_has_a_default_wording(commune, event, channel):
    rendered = render_notification(event, channel, commune, CONTEXT)
    assert rendered.body
    assert "{{" not in rendered.body and "{%" not in rendered.body
    assert "\n\n\n" not in rendered.body
    if channel == Channel.EMAIL:
        assert rendered.subject and "\n" not in rendered.subject
    else:
        assert rendered.subject == ""
    if event.startswith("request."):
        assert "EC-2026-4F7K9" in rendered.body


def test_the_default_acknowledgment_gives_the_reference_date_and_link(commune):
    rendered = render_notification("request.acknowledged", Channel.EMAIL, commune, CONTEXT)
    assert "EC-2026-4F7K9" in rendered.subject
    body = rendered.body
    assert "Camille Martin" in body
    assert "12 mars 2026" in body  # French dates, whatever the active language
    assert CONTEXT["tracking_url"] in body
    assert "Commune-A" in body


def test_a_commune_override_wins_and_the_other_commune_gets_the_default(commune, other_commune):
    override(commune)
    own = render_notification("request.acknowledged", Channel.EMAIL, commune, CONTEXT)
    assert own.subject == "Votre demande EC-2026-4F7K9 à Commune-A"
    assert own.body == "Merci Camille Martin : EC-2026-4F7K9."
    with tenancy.using(other_commune):
        other = render_notification("request.acknowledged", Channel.EMAIL, other_commune, CONTEXT)
    assert other.body != own.body
    assert "Camille Martin" in other.body
    # The SMS of the same event keeps the kit's wording.
    sms = render_notification("request.acknowledged", Channel.SMS, commune, CONTEXT)
    assert "Merci" not in sms.body


def test_an_inactive_override_is_ignored(commune):
    override(commune, active=False)
    rendered = render_notification("request.acknowledged", Channel.EMAIL, commune, CONTEXT)
    assert "Merci" not in rendered.body


def test_a_service_override_wins_over_the_commune_wide_one(commune):
    override(commune, body="Pour tous les services.")
    override(commune, service="contact", body="Pour le contact.")
    assert (
        render_notification(
            "request.acknowledged", Channel.EMAIL, commune, CONTEXT, service="contact"
        ).body
        == "Pour le contact."
    )
    assert (
        render_notification(
            "request.acknowledged", Channel.EMAIL, commune, CONTEXT, service="school"
        ).body
        == "Pour tous les services."
    )


def test_text_messages_are_not_html_escaped(commune):
    override(commune, body="{{ message }}")
    context = {**CONTEXT, "message": "Pièces <jointes> & « reçues »"}
    rendered = render_notification("request.acknowledged", Channel.EMAIL, commune, context)
    assert rendered.body == "Pièces <jointes> & « reçues »"


@pytest.mark.parametrize(
    "source",
    [
        "{% include 'ecommune_notifications/request.message.email.txt' %}",
        "{% extends 'base.html' %}",
        "{% load static %}",
        "{% debug %}",
        "{% if %}",
        "{{ reference|nosuchfilter }}",
    ],
)
def test_a_commune_template_may_not_read_anything_else(source):
    with pytest.raises(ValidationError):
        compile_commune_template(source)


def test_a_broken_commune_template_falls_back_to_the_default(commune):
    # Saved before a rule changed, say: the message still goes out, in the kit's words.
    override(commune, body="{% debug %}")
    rendered = render_notification("request.acknowledged", Channel.EMAIL, commune, CONTEXT)
    assert "Camille Martin" in rendered.body


def test_an_event_without_a_wording_is_an_error(commune):
    with pytest.raises(NotificationTemplateMissing):
        render_notification("nobody.wrote.this", Channel.EMAIL, commune, {})


def test_notify_words_and_queues_each_channel(commune, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        messages = notify(
            "request.acknowledged",
            commune=commune,
            context=CONTEXT,
            email="camille@example.org",
            phone="06 12 34 56 78",
            related_reference="EC-2026-4F7K9",
        )
    assert [m.channel for m in messages] == [Channel.EMAIL, Channel.SMS]
    assert messages[1].recipient == "+33612345678"
    [sent] = mail.outbox
    assert "EC-2026-4F7K9" in sent.subject


def test_notify_skips_a_channel_the_event_does_not_use(commune):
    messages = notify(
        "agent.digest",
        commune=commune,
        context=CONTEXT,
        email="agent@commune-a.test",
        phone="0612345678",
    )
    assert [m.channel for m in messages] == [Channel.EMAIL]


def test_a_third_party_event_registers_once():
    event = Event("test.event", "Test")
    events.register(event)
    try:
        events.register(event)
        with pytest.raises(Exception, match="already registered"):
            events.register(Event("test.event", "Other"))
    finally:
        events.unregister("test.event")
