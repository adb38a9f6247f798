"""The endpoints of ``/api/v1/``: read-only, anonymous, for the commune of the host name.

Every view derives from ``PublicView``: JSON only, no authentication or session (so no
cookie and no CSRF), the rate limit of ``throttling``, errors in French (``errors``), and
the commune chosen by ``CurrentCommuneMiddleware`` (none: 404) before anything is read."""

from django.http import Http404
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ecommune.api import data, queries
from ecommune.api import serializers as s
from ecommune.api.errors import ErrorSerializer, exception_handler
from ecommune.api.throttling import PublicRateThrottle
from ecommune.core.tenancy import get_current_commune

#: Seconds a browser or a proxy may keep an answer (they key it on the host name too).
MAX_AGE = 60

NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No commune at this host name, or no such item."
)
TOO_MANY = OpenApiResponse(ErrorSerializer, description="Too many requests: wait and retry.")
BAD = OpenApiResponse(ErrorSerializer, description="A query parameter is not valid.")
#: A NUL byte anywhere in the address is refused before the API runs, with the portal's page.
BAD_HTML = OpenApiResponse(OpenApiTypes.STR, description="A NUL byte in the address.")


def responses(ok) -> dict:
    return {
        (200, "application/json"): ok,
        (400, "application/json"): BAD,
        (400, "text/html"): BAD_HTML,
        (404, "application/json"): NOT_FOUND,
        (429, "application/json"): TOO_MANY,
    }


LIMIT = OpenApiParameter(
    "limit",
    {"type": "integer", "minimum": 1, "maximum": 50},
    description="How many items (1 to 50, default 10).",
)
DATE_PATTERN = r"^(18|19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$"


def commune_of_host(request):
    """The commune whose own host name was called, else a 404 saying so, the same whether
    Wagtail answered the unknown host with a commune's default site or with none."""
    commune = getattr(request, "commune", None) or get_current_commune()
    host, _port = split_domain_port(request.get_host())
    if commune is None or host != commune.site.hostname.lower():
        raise Http404(_("No commune is served at this address."))
    return commune


class FirstRenderer(BaseContentNegotiation):
    """The view's one format whatever the client's ``Accept`` (no 406)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return (renderers[0], renderers[0].media_type)


class PublicView(APIView):
    content_negotiation_class = FirstRenderer
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    renderer_classes = [JSONRenderer]

    def initial(self, request, *args, **kwargs):
        # The commune first: the rate limit counts per commune, an unknown host is a 404.
        self.commune = commune_of_host(request)
        super().initial(request, *args, **kwargs)

    def get_exception_handler(self):
        return exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            response["Cache-Control"] = f"public, max-age={MAX_AGE}"
        return response


class CommuneView(PublicView):
    @extend_schema(
        operation_id="commune",
        summary="The town hall",
        description="Name, INSEE code, address, contact, opening hours and whether the town "
        "hall is open now.",
        responses=responses(s.CommuneSerializer),
        tags=["commune"],
    )
    def get(self, request):
        return Response(s.CommuneSerializer(data.commune_data(self.commune)).data)


class ServiceListView(PublicView):
    @extend_schema(
        operation_id="services",
        summary="Online services",
        description="The online services the commune offers: who may ask, the documents, the "
        "announced delay, where to start.",
        responses=responses(s.ServiceSerializer(many=True)),
        tags=["services"],
    )
    def get(self, request):
        return Response(s.ServiceSerializer(data.services_data(self.commune), many=True).data)


class ServiceDetailView(PublicView):
    @extend_schema(
        operation_id="service",
        summary="One online service",
        parameters=[
            OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The service's slug.")
        ],
        responses=responses(s.ServiceSerializer),
        tags=["services"],
    )
    def get(self, request, slug):
        for service in data.services_data(self.commune):
            if service["slug"] == slug:
                return Response(s.ServiceSerializer(service).data)
        raise Http404(_("This commune offers no such online service."))


class WaitingTimeView(PublicView):
    @extend_schema(
        operation_id="waiting_times",
        summary="Waiting time per counter",
        description="Each counter, whether a desk is open, the people waiting and the "
        "estimated wait of a newcomer (the figures of the portal's waiting-time page).",
        responses=responses(s.WaitingTimeSerializer(many=True)),
        tags=["appointments"],
    )
    def get(self, request):
        return Response(s.WaitingTimeSerializer(data.waiting_times(self.commune), many=True).data)


class MotiveListView(PublicView):
    @extend_schema(
        operation_id="motives",
        summary="Appointment motives",
        description="The motives residents may book (a passport, a civil-status matter…), "
        "their counters and the next free slot of each.",
        responses=responses(s.MotiveSerializer(many=True)),
        tags=["appointments"],
    )
    def get(self, request):
        return Response(s.MotiveSerializer(data.motives_data(self.commune), many=True).data)


class SlotListView(PublicView):
    @extend_schema(
        operation_id="motive_slots",
        summary="Free slots of a motive",
        description="The free appointment slots of a motive, from `start` (today) to `end` "
        "(two weeks on), 31 days at most, within the days residents may book.",
        parameters=[
            OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The motive's slug."),
            OpenApiParameter(
                "start", OpenApiTypes.DATE, pattern=DATE_PATTERN, description="First day."
            ),
            OpenApiParameter(
                "end", OpenApiTypes.DATE, pattern=DATE_PATTERN, description="Last day."
            ),
            OpenApiParameter(
                "counter",
                {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                description="Only this counter (its id).",
            ),
        ],
        responses=responses(s.SlotListSerializer),
        tags=["appointments"],
    )
    def get(self, request, slug):
        query = queries.read(queries.SlotsQuery, request)
        motive = get_object_or_404(data.active_motives(self.commune), slug=slug)
        first, last = query.period(timezone.localdate())
        slots = data.slots_data(
            self.commune, motive, first, last, query.cleaned_data.get("counter")
        )
        answer = {
            "motive": motive.slug,
            "start": first,
            "end": last,
            "booking_url": data.booking_url(self.commune, motive),
            "slots": slots,
        }
        return Response(s.SlotListSerializer(answer).data)


class NewsView(PublicView):
    @extend_schema(
        operation_id="news",
        summary="News",
        description="The commune's latest news, newest first.",
        parameters=[LIMIT],
        responses=responses(s.NewsSerializer(many=True)),
        tags=["news"],
    )
    def get(self, request):
        limit = queries.read(queries.LimitQuery, request).cleaned_data.get("limit") or 10
        return Response(s.NewsSerializer(data.news_data(self.commune, limit), many=True).data)


class EventsView(PublicView):
    @extend_schema(
        operation_id="events",
        summary="Events",
        description="Events not over yet, soonest first.",
        parameters=[LIMIT],
        responses=responses(s.EventSerializer(many=True)),
        tags=["news"],
    )
    def get(self, request):
        limit = queries.read(queries.LimitQuery, request).cleaned_data.get("limit") or 10
        return Response(s.EventSerializer(data.events_data(self.commune, limit), many=True).data)


class SatisfactionView(PublicView):
    @extend_schema(
        operation_id="satisfaction",
        summary="Residents' satisfaction",
        description="The answers to the three questions asked after each request, per "
        "service, and after each appointment at the town hall, all under the slug "
        "`appointments`, over the last twelve months; the shares are null under "
        "`min_answers` answers. Also as open data: `/api/v1/open-data/satisfaction.csv` "
        "and `.json`.",
        responses=responses(s.SatisfactionSerializer),
        tags=["satisfaction"],
    )
    def get(self, request):
        return Response(s.SatisfactionSerializer(data.satisfaction_data(self.commune)).data)


class FicheListView(PublicView):
    @extend_schema(
        operation_id="fiches",
        summary="service-public.fr fiches",
        description="The service-public.fr fiches the portal shows with the commune's online "
        "services.",
        responses=responses(s.FicheSerializer(many=True)),
        tags=["services"],
    )
    def get(self, request):
        return Response(s.FicheSerializer(data.fiches_data(self.commune), many=True).data)
