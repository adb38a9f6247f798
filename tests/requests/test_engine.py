"""The request engine: references, working days, filing, statuses, history, tenancy."""

import datetime
import re
import uuid

import pytest
from django.core.exceptions import ValidationError

from ecommune.core import tenancy
from ecommune.core.registry import registry
from ecommune.core.services import Service
from ecommune.requests import references, workdays
from ecommune.requests.models import Channel, EventKind, Request
from ecommune.requests.services import (
    Applicant,
    Beneficiary,
    allowed_transitions,
    change_status,
    log_contact,
    submit_request,
)
from ecommune.requests.statuses import Status


class LetterToTownHall(Service):
    slug = "test-letter"
    title = "Écrire à la mairie (test)"
    processing_days = 5


@pytest.fixture
def service():
    registry.register(LetterToTownHall)
    yield LetterToTownHall
    registry.unregister(LetterToTownHall.slug)


@pytest.fixture
def enabled(commune, other_commune, service):
    for c in (commune, other_commune):
        c.enabled_services = [service.slug]
        c.save()
    return commune


def applicant(**extra):
    return Applicant(first_name="Camille", last_name="Martin", email="camille@example.org", **extra)


def test_references_are_readable_and_not_sequential():
    # 32**5 codes a year: two of 2,000 draws collide about once in 17 runs (birthday bound),
    # which filing retries; more than a few collisions would mean a weak generator.
    drawn_in_order = [references.new_reference(2026) for _ in range(2000)]
    drawn = set(drawn_in_order)
    assert len(drawn) >= 1995
    assert drawn_in_order != sorted(drawn_in_order)
    assert all(references.REFERENCE_RE.match(r) for r in drawn)
    assert not any(re.search(r"[ILOU]", r[8:]) for r in drawn)


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("ec 2026 4f7k9", "EC-2026-4F7K9"),
        ("EC-2026-4F7K9 ", "EC-2026-4F7K9"),
        ("ec-2026-4o7k1", "EC-2026-407K1"),
        ("2026 4F7KL", "EC-2026-4F7K1"),
    ],
)
def test_a_reference_read_on_the_phone_is_normalised(typed, normalised):
    assert references.normalise_reference(typed) == normalised


def test_working_days_skip_weekends_and_french_holidays():
    # Thursday 24 December 2026: 25 December (Friday) is a holiday, then the weekend.
    assert workdays.add_working_days(datetime.date(2026, 12, 24), 1) == datetime.date(2026, 12, 28)
    # Monday 11 May 2026 + 3: Thursday 14 May is Ascension Day.
    assert workdays.add_working_days(datetime.date(2026, 5, 11), 3) == datetime.date(2026, 5, 15)
    assert (
        workdays.working_days_between(datetime.date(2026, 12, 24), datetime.date(2026, 12, 28)) == 1
    )


def test_alsace_moselle_keep_good_friday_and_st_stephens_day():
    assert workdays.subdivision_for_insee("57463") == "57"
    assert workdays.subdivision_for_insee("67482") == "6AE"
    assert workdays.subdivision_for_insee("97411") == "974"
    assert workdays.subdivision_for_insee("44109") is None
    good_friday = datetime.date(2026, 4, 3)
    assert workdays.is_working_day(good_friday)
    assert not workdays.is_working_day(good_friday, "57")
    assert workdays.add_working_days(datetime.date(2026, 12, 24), 1, "6AE") == datetime.date(
        2026, 12, 28
    )
    assert workdays.add_working_days(datetime.date(2026, 12, 23), 2, "6AE") == datetime.date(
        2026, 12, 28
    )


@pytest.mark.django_db
def test_a_filed_request_has_a_reference_an_expected_date_and_a_first_event(
    enabled, service, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 12, 21, 10, tzinfo=datetime.UTC))
    request, _ = submit_request(commune=enabled, service=service, applicant=applicant())
    assert references.REFERENCE_RE.match(request.reference)
    assert request.reference.startswith("EC-2026-")
    assert request.status == Status.SUBMITTED
    # Monday 21 December + 5 working days, Christmas excluded: Tuesday 29 December.
    assert request.expected_answer_on == datetime.date(2026, 12, 29)
    assert [event.kind for event in request.events.all()] == [EventKind.SUBMITTED]


@pytest.mark.django_db
def test_a_double_click_on_submit_files_one_request(enabled, service):
    key = uuid.uuid4()
    first, created = submit_request(
        commune=enabled, service=service, applicant=applicant(), submission_key=key
    )
    second, again = submit_request(
        commune=enabled, service=service, applicant=applicant(), submission_key=key
    )
    assert first.pk == second.pk and created and not again
    assert Request.unscoped.count() == 1


@pytest.mark.django_db
def test_a_service_the_commune_did_not_enable_is_refused(commune, service):
    commune.enabled_services = []
    with pytest.raises(ValidationError):
        submit_request(commune=commune, service=service, applicant=applicant())


@pytest.mark.django_db
def test_sms_consent_needs_a_phone_number(enabled, service):
    request, _ = submit_request(
        commune=enabled, service=service, applicant=applicant(sms_consent=True)
    )
    assert request.sms_consent is False


@pytest.mark.django_db
def test_filing_on_someones_behalf_records_both(enabled, service):
    request, _ = submit_request(
        commune=enabled,
        service=service,
        applicant=applicant(),
        beneficiary=Beneficiary("Léa", "Martin", "parent", "lea@example.org"),
    )
    assert request.on_behalf and request.beneficiary_capacity == "parent"
    assert request.applicant_name == "Camille Martin"


@pytest.mark.django_db
def test_status_changes_follow_the_allowed_transitions_and_are_recorded(
    enabled, service, admin_user
):
    request, _ = submit_request(commune=enabled, service=service, applicant=applicant())
    assert Status.WAITING_RESIDENT in allowed_transitions(service, Status.SUBMITTED)
    change_status(
        request, Status.WAITING_RESIDENT, actor=admin_user, comment="Il manque un justificatif."
    )
    change_status(request, Status.IN_PROGRESS, actor=admin_user)
    change_status(request, Status.DONE, actor=admin_user)
    request.refresh_from_db()
    assert request.is_closed and request.closed_at is not None
    with pytest.raises(ValidationError) as error:
        change_status(request, Status.IN_PROGRESS, actor=admin_user)
    assert error.value.code == "invalid_transition"
    history = [(e.kind, e.from_status, e.to_status) for e in request.events.all()]
    assert history == [
        (EventKind.SUBMITTED, "", Status.SUBMITTED),
        (EventKind.STATUS, Status.SUBMITTED, Status.WAITING_RESIDENT),
        (EventKind.STATUS, Status.WAITING_RESIDENT, Status.IN_PROGRESS),
        (EventKind.STATUS, Status.IN_PROGRESS, Status.DONE),
    ]


@pytest.mark.django_db
def test_contacts_by_phone_counter_and_post_join_the_history(enabled, service, admin_user):
    request, _ = submit_request(commune=enabled, service=service, applicant=applicant())
    log_contact(request, channel=Channel.PHONE, actor=admin_user, text="Appel : adresse confirmée.")
    log_contact(request, channel=Channel.POST, actor=admin_user, text="Courrier reçu.")
    with pytest.raises(ValidationError):
        log_contact(request, channel=Channel.WEB, actor=admin_user, text="?")
    with pytest.raises(ValidationError):
        log_contact(request, channel=Channel.COUNTER, actor=admin_user, text="  ")
    channels = [e.channel for e in request.events.filter(kind=EventKind.CONTACT)]
    assert channels == [Channel.PHONE, Channel.POST]


@pytest.mark.django_db
def test_each_commune_sees_only_its_own_requests(enabled, other_commune, service):
    mine, _ = submit_request(commune=enabled, service=service, applicant=applicant())
    with tenancy.using(other_commune):
        theirs, _ = submit_request(commune=other_commune, service=service, applicant=applicant())
    with tenancy.using(enabled):
        assert list(Request.objects.all()) == [mine]
        assert not Request.objects.filter(pk=theirs.pk).exists()
    with tenancy.using(other_commune):
        assert list(Request.objects.all()) == [theirs]


@pytest.mark.django_db(transaction=True)
def test_filing_queues_the_acknowledgment_in_the_outbox_for_both_people(
    enabled, service, mailoutbox
):
    from ecommune.notifications.models import OutboxMessage

    request, _ = submit_request(
        commune=enabled,
        service=service,
        applicant=applicant(phone="06 12 34 56 78", sms_consent=True),
        beneficiary=Beneficiary("Léa", "Martin", "parent", "lea@example.org"),
    )
    queued = OutboxMessage.unscoped.filter(related_reference=request.reference)
    assert sorted((m.channel, m.recipient) for m in queued) == [
        ("email", "camille@example.org"),
        ("email", "lea@example.org"),
        ("sms", "+33612345678"),
    ]
    assert {m.status for m in queued} == {"sent"}
    assert request.reference in mailoutbox[0].body


@pytest.mark.django_db
def test_a_rolled_back_filing_leaves_no_message(enabled, service):
    from django.db import transaction

    from ecommune.notifications.models import OutboxMessage

    with pytest.raises(RuntimeError), transaction.atomic():
        submit_request(commune=enabled, service=service, applicant=applicant())
        raise RuntimeError("the caller's transaction fails")
    assert not OutboxMessage.unscoped.exists() and not Request.unscoped.exists()


@pytest.mark.django_db
def test_asking_for_a_missing_piece_tells_the_resident_what_is_missing(
    enabled, service, admin_user
):
    from ecommune.notifications.models import OutboxMessage

    request, _ = submit_request(commune=enabled, service=service, applicant=applicant())
    change_status(
        request, Status.WAITING_RESIDENT, actor=admin_user, comment="Le justificatif de domicile."
    )
    asked = OutboxMessage.unscoped.get(event="request.waiting_for_resident")
    assert "Le justificatif de domicile." in asked.body and asked.recipient == "camille@example.org"
