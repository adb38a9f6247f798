"""The request engine's notifications: queued through the outbox in the transaction that
changes the request, so a provider failure never loses a request nor a message."""

from django.urls import reverse

from ecommune.notifications.services import notify


def _context(filed) -> dict:
    service = filed.service_class()
    return {
        "reference": filed.reference,
        "service_title": str(service.title),
        "applicant_name": filed.applicant_name,
        "tracking_url": filed.commune.public_url(reverse("ecommune_requests:track")),
        "expected_answer_on": filed.expected_answer_on,
    }


def _recipients(filed, context: dict):
    """The applicant, and the person concerned when the applicant files on their behalf:
    (email, phone, the context of their message). Each is greeted by their own name (the
    wordings' ``applicant_name``): the person concerned is not called by the applicant's."""
    yield filed.applicant_email, filed.applicant_phone if filed.sms_consent else "", context
    if (
        filed.on_behalf
        and filed.beneficiary_email
        and filed.beneficiary_email != filed.applicant_email
    ):
        name = f"{filed.beneficiary_first_name} {filed.beneficiary_last_name}".strip()
        yield filed.beneficiary_email, "", {**context, "applicant_name": name}


def acknowledge(filed) -> None:
    """The acknowledgment (Proposition 6): reference, what happens next, expected date."""
    context = {
        **_context(filed),
        "service_message": filed.service_class().resident_message(filed.status),
    }
    for email, phone, recipient_context in _recipients(filed, context):
        notify(
            "request.acknowledged",
            commune=filed.commune,
            context=recipient_context,
            email=email,
            phone=phone,
            service=filed.service,
            related_reference=filed.reference,
            idempotency_key=f"ack:{filed.reference}:{email}",
        )


def status_changed(filed, event, *, missing: str = "") -> None:
    """Tell the resident their request moved; « waiting for you » says what is missing."""
    from ecommune.requests.statuses import Status

    context = {
        **_context(filed),
        "status": filed.get_status_display(),
        "comment": event.text,
        "service_message": filed.service_class().resident_message(event.to_status),
    }
    key = "request.status_changed"
    if event.to_status == Status.WAITING_RESIDENT:
        key = "request.waiting_for_resident"
        from ecommune.requests.answers import answer_path

        context.update(
            missing=missing or event.text,
            answer_url=filed.commune.public_url(answer_path(filed)),
        )
    for email, phone, recipient_context in _recipients(filed, context):
        notify(
            key,
            commune=filed.commune,
            context=recipient_context,
            email=email,
            phone=phone,
            service=filed.service,
            related_reference=filed.reference,
            idempotency_key=f"event:{event.pk}:{email}",
        )


def message_to_resident(filed, event) -> None:
    """An agent's message: the resident reads it by email (and SMS if agreed), with the link
    to answer it online."""
    from ecommune.requests.answers import answer_path

    context = {
        **_context(filed),
        "message": event.text,
        "tracking_url": filed.commune.public_url(answer_path(filed)),
    }
    for email, phone, recipient_context in _recipients(filed, context):
        notify(
            "request.message",
            commune=filed.commune,
            context=recipient_context,
            email=email,
            phone=phone,
            service=filed.service,
            related_reference=filed.reference,
            idempotency_key=f"event:{event.pk}:{email}",
        )


def resident_replied(filed, event) -> None:
    """The resident answered: the agent the request is assigned to hears of it by email.
    An unassigned request is back in the service's queue, where every agent sees it."""
    agent = filed.assigned_to
    if agent is None or not agent.email or not agent.is_active:
        return
    notify(
        "request.resident_replied",
        commune=filed.commune,
        context={
            **_context(filed),
            "agent_name": agent.get_full_name(),
            "message": event.text,
            "inbox_url": filed.commune.public_url(
                reverse("ecommune_inbox_detail", kwargs={"reference": filed.reference}),
            ),
        },
        email=agent.email,
        service=filed.service,
        related_reference=filed.reference,
        idempotency_key=f"event:{event.pk}:{agent.email}",
    )
