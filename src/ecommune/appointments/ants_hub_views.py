"""The ANTS hub's calls (``ecommune.appointments.ants_hub``), mounted under /api/ants/."""

import logging

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from ecommune.appointments import ants_hub

logger = logging.getLogger(__name__)


def _hub_call(answer):
    """Only with the hub's key; 404 while the install has none (the feature is off)."""

    @require_GET
    def view(request):
        if not ants_hub.hub_token():
            raise Http404
        if not ants_hub.token_is_valid(request.headers.get(ants_hub.HEADER)):
            logger.warning("ANTS hub call with a missing or wrong key from %s", request.path)
            return JsonResponse(
                {"error": f"{ants_hub.HEADER} header is missing or invalid"}, status=401
            )
        try:
            data = answer(request.GET)
        except ants_hub.HubRequestError as error:
            return JsonResponse({"error": str(error)}, status=400)
        return JsonResponse(data, safe=False)

    view.__name__ = answer.__name__
    view.__doc__ = answer.__doc__
    return view


@_hub_call
def managed_meeting_points(query):
    return ants_hub.managed_meeting_points()


@_hub_call
def available_time_slots(query):
    return ants_hub.available_time_slots(**ants_hub.read_slot_query(query))


@_hub_call
def search_application_ids(query):
    return ants_hub.search_application_ids(ants_hub.read_application_ids(query))
