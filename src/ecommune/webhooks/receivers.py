"""Where request events become webhook deliveries: every line of a request's history is a
``RequestEvent`` row, whatever the channel (the resident's site, the inbox, the desk, the
agents' API), so the one ``post_save`` of that model sees them all, inside the transaction
that wrote it. The requests engine knows nothing of webhooks (it is a lower floor)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from ecommune.requests.models import EventKind, RequestEvent
from ecommune.requests.statuses import closed_statuses
from ecommune.webhooks.models import Event
from ecommune.webhooks.services import queue_request_event


def events_for(request_event) -> list[str]:
    """The webhook events a new history line stands for."""
    kind = request_event.kind
    if kind == EventKind.SUBMITTED:
        return [Event.FILED]
    if kind == EventKind.MESSAGE_FROM_RESIDENT:
        return [Event.ANSWERED]
    if kind == EventKind.STATUS and request_event.to_status:
        found = [Event.STATUS_CHANGED]
        service = request_event.request.service_class()
        if request_event.to_status in closed_statuses(service):
            found.append(Event.CLOSED)
        return found
    return []


@receiver(post_save, sender=RequestEvent, dispatch_uid="ecommune_webhooks_request_event")
def request_event_written(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    for event in events_for(instance):
        queue_request_event(event, instance)
