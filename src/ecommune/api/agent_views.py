"""The agents' API, ``/api/v1/agent/``: a commune's requests for a connected program (its
case-management or document-management software), with a token made in the back office.

Every view derives from ``AgentView``: the commune of the host name (none: 404), the rate
limit of the public API, then the token (``ApiTokenAuthentication``: any failure is the
same 401), each call recorded in the audit trail. The requests read are the commune's in
the token's services (``tokens.scope``); another's reference is a 404. The actions go
through the inbox's own functions (``ecommune.requests.agents``): the same rules, history,
audit trail and resident's messages through the outbox. Bodies are JSON objects of at most
``MAX_BODY`` bytes whose every field is known; anything else is a 400 in JSON."""

import json
import math

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ecommune.api import agent_serializers as s
from ecommune.api import queries, tokens
from ecommune.api.authentication import ApiTokenAuthentication
from ecommune.api.errors import ErrorSerializer
from ecommune.api.views import (
    BAD,
    BAD_HTML,
    DATE_PATTERN,
    NOT_FOUND,
    TOO_MANY,
    PublicView,
    commune_of_host,
)
from ecommune.core.registry import registry
from ecommune.requests import agents
from ecommune.requests.documents import ACCEPTED_TYPES, UNKNOWN_TYPE, serve_document
from ecommune.requests.models import EventKind, Request
from ecommune.requests.services import agent_status_label, allowed_transitions

#: The largest body an action accepts, in bytes.
MAX_BODY = 64 * 1024

UNAUTHORIZED = OpenApiResponse(
    ErrorSerializer, description="No token, or a wrong, expired or revoked one (one answer)."
)
REFUSED = OpenApiResponse(
    ErrorSerializer,
    description="Malformed JSON, an unknown field, a body too large, a bad value, or a "
    "change the inbox refuses (the message says which, in French).",
)


def responses(ok) -> dict:
    return {
        (200, "application/json"): ok,
        (400, "application/json"): BAD,
        (400, "text/html"): BAD_HTML,
        (401, "application/json"): UNAUTHORIZED,
        (404, "application/json"): NOT_FOUND,
        (429, "application/json"): TOO_MANY,
    }


def action_responses(ok) -> dict:
    return {**responses(ok), (400, "application/json"): REFUSED}


REFERENCE = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description="The request's reference."
)


class LimitedJSONParser(JSONParser):
    """A JSON object of at most ``MAX_BODY`` bytes, whatever the ``Content-Type`` said."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            too_big = int(declared or 0) > MAX_BODY
        except ValueError:
            too_big = False
        raw = b"" if too_big else stream.read(MAX_BODY + 1)
        if too_big or len(raw) > MAX_BODY:
            raise exceptions.ParseError(
                _("The body is too large: %(size)s bytes at most.") % {"size": MAX_BODY}
            )
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise exceptions.ParseError(_("The body is not valid JSON.")) from None
        if not isinstance(data, dict):
            raise exceptions.ParseError(_("The body must be a JSON object."))
        return data


class AgentView(PublicView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [LimitedJSONParser]

    def initial(self, request, *args, **kwargs):
        # The commune, then the rate limit (wrong tokens count too), then the token.
        self.commune = commune_of_host(request)
        self.format_kwarg = self.get_format_suffix(**kwargs)
        request.accepted_renderer, request.accepted_media_type = self.perform_content_negotiation(
            request
        )
        request.version, request.versioning_scheme = self.determine_version(
            request, *args, **kwargs
        )
        self.check_throttles(request)
        self.perform_authentication(request)
        self.check_permissions(request)
        tokens.record_use(request._request, request.auth)

    def finalize_response(self, request, response, *args, **kwargs):
        response = APIView.finalize_response(self, request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    def visible_requests(self):
        """The commune's requests in the token's services."""
        return Request.objects.for_commune(self.commune).filter(
            service__in=tokens.scope(self.request.auth)
        )

    def get_filed(self, reference: str) -> Request:
        filed = (
            self.visible_requests()
            .select_related("commune", "assigned_to")
            .filter(reference=reference)
            .first()
        )
        if filed is None or filed.service not in registry:
            raise Http404(_("No such request for this token."))
        return filed


def _person(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else ""


def summary(filed: Request) -> dict:
    service = registry.get(filed.service) if filed.service in registry else None
    return {
        "reference": filed.reference,
        "service": filed.service,
        "service_title": str(service.title) if service else filed.service,
        "status": filed.status,
        "status_label": agent_status_label(service, filed.status),
        "channel": filed.channel,
        "submitted_at": filed.submitted_at,
        "updated_at": filed.updated_at,
        "expected_answer_on": filed.expected_answer_on,
        "closed_at": filed.closed_at,
        "applicant_first_name": filed.applicant_first_name,
        "applicant_last_name": filed.applicant_last_name,
        "applicant_email": filed.applicant_email,
        "applicant_phone": filed.applicant_phone,
        "beneficiary_first_name": filed.beneficiary_first_name,
        "beneficiary_last_name": filed.beneficiary_last_name,
        "beneficiary_capacity": filed.beneficiary_capacity,
        "assigned_to": _person(filed.assigned_to),
    }


def detail(filed: Request) -> dict:
    """The request as its page in the inbox shows it: answers, history, documents."""
    service = filed.service_class()
    kinds = dict(EventKind.choices)
    events = filed.events.select_related("actor").order_by("created_at", "pk")
    return {
        **summary(filed),
        "beneficiary_email": filed.beneficiary_email,
        "answers": [
            {"label": str(label), "value": str(value)}
            for label, value in service.summary_rows(service.stored_data(filed))
        ],
        "allowed_statuses": [
            {"status": value, "label": agent_status_label(service, value)}
            for value in allowed_transitions(service, filed.status)
        ],
        "history": [
            {
                "kind": event.kind,
                "kind_label": str(kinds.get(event.kind, event.kind)),
                "at": event.created_at,
                "actor": _person(event.actor),
                "channel": event.channel,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "text": event.text,
                "visible_to_resident": event.visible_to_resident,
            }
            for event in events
        ],
        "documents": [
            {
                "id": document.pk,
                "kind": document.kind,
                "title": document.title,
                "original_name": document.original_name,
                "content_type": document.content_type,
                "size": document.size,
                "uploaded_at": document.uploaded_at,
            }
            for document in filed.documents.order_by("uploaded_at", "pk")
        ],
    }


DEFAULT_PAGE_SIZE = 50


class RequestListView(AgentView):
    @extend_schema(
        operation_id="agent_requests",
        summary="Requests",
        description="The commune's requests in the token's services, newest first, a page "
        "at a time, filtered by status, service and date of filing.",
        parameters=[
            OpenApiParameter(
                "status",
                {"type": "string", "maxLength": 40},
                description="Only this status (its value).",
            ),
            OpenApiParameter(
                "service",
                {"type": "string", "maxLength": 60},
                description="Only this service (its slug).",
            ),
            OpenApiParameter(
                "submitted_after",
                OpenApiTypes.DATE,
                pattern=DATE_PATTERN,
                description="Filed on or after this day (YYYY-MM-DD).",
            ),
            OpenApiParameter(
                "submitted_before",
                OpenApiTypes.DATE,
                pattern=DATE_PATTERN,
                description="Filed on or before this day (YYYY-MM-DD).",
            ),
            OpenApiParameter(
                "page", {"type": "integer", "minimum": 1, "maximum": 100000}, description="1…"
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": 100},
                description="Requests per page (default 50).",
            ),
        ],
        responses=responses(s.RequestPageSerializer),
        tags=["agents"],
    )
    def get(self, request):
        unknown = sorted(set(request.query_params) - set(queries.RequestsQuery.base_fields))
        if unknown:
            raise exceptions.ValidationError(
                {name: [_("This parameter is unknown.")] for name in unknown}
            )
        query = queries.read(queries.RequestsQuery, request).cleaned_data
        queryset = self.visible_requests().select_related("assigned_to")
        if query.get("status"):
            queryset = queryset.filter(status=query["status"])
        if query.get("service"):
            queryset = queryset.filter(service=query["service"])
        if query.get("submitted_after"):
            queryset = queryset.filter(submitted_at__date__gte=query["submitted_after"])
        if query.get("submitted_before"):
            queryset = queryset.filter(submitted_at__date__lte=query["submitted_before"])
        size = query.get("page_size") or DEFAULT_PAGE_SIZE
        number = query.get("page") or 1
        count = queryset.count()
        rows = queryset.order_by("-submitted_at", "-pk")[(number - 1) * size : number * size]
        answer = {
            "count": count,
            "page": number,
            "pages": max(1, math.ceil(count / size)),
            "results": [summary(filed) for filed in rows],
        }
        return Response(s.RequestPageSerializer(answer).data)


class RequestDetailView(AgentView):
    @extend_schema(
        operation_id="agent_request",
        summary="One request",
        description="A request with the resident's answers, its history, the statuses it "
        "may move to and its documents' description.",
        parameters=[REFERENCE],
        responses=responses(s.RequestDetailSerializer),
        tags=["agents"],
    )
    def get(self, request, reference):
        return Response(s.RequestDetailSerializer(detail(self.get_filed(reference))).data)


class ActionView(AgentView):
    """A POST that runs one of the inbox's actions on a request, answered with the request
    as it is after it. Each action names its body and the field its refusal belongs to,
    and says what it does for the schema with ``action_schema``."""

    body_class = None
    field = ""

    def post(self, request, reference):
        filed = self.get_filed(reference)
        body = self.body_class(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            self.perform(filed, body.validated_data)
        except ValidationError as error:
            return Response(
                {"detail": " ".join(error.messages), "errors": {self.field: error.messages}},
                status=400,
            )
        filed = self.get_filed(reference)
        return Response(s.RequestDetailSerializer(detail(filed)).data)


def action_schema(operation_id: str, summary: str, description: str, body):
    """The schema of an ``ActionView`` subclass's POST."""
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id,
            summary=summary,
            description=description,
            parameters=[REFERENCE],
            request=body,
            responses=action_responses(s.RequestDetailSerializer),
            tags=["agents"],
        )
    )


@action_schema(
    "agent_request_status",
    "Change the status",
    "As the inbox does: only to a status the service allows from the current one; the "
    "resident is told by email (and SMS if agreed) with the comment.",
    s.StatusChangeSerializer,
)
class StatusView(ActionView):
    body_class = s.StatusChangeSerializer
    field = "status"

    def perform(self, filed, data):
        agents.set_status(self.request._request, filed, data["status"], data["comment"])


@action_schema(
    "agent_request_message",
    "Send a message to the resident",
    "As the inbox does: in the history, and sent to the resident by email (and SMS if "
    "agreed) with a link to answer.",
    s.MessageSerializer,
)
class MessageView(ActionView):
    body_class = s.MessageSerializer
    field = "text"

    def perform(self, filed, data):
        agents.send_message(self.request._request, filed, data["text"])


@action_schema(
    "agent_request_missing_piece",
    "Ask for a missing piece",
    "As the inbox does: the request waits for the resident (the delay is suspended), who "
    "gets a link to add what is missing.",
    s.MissingPieceSerializer,
)
class MissingPieceView(ActionView):
    body_class = s.MissingPieceSerializer
    field = "missing"

    def perform(self, filed, data):
        agents.ask_missing_piece(self.request._request, filed, data["missing"])


@action_schema(
    "agent_request_note",
    "Add an internal note",
    "As the inbox does: in the history for the agents, never shown nor sent to the resident.",
    s.NoteSerializer,
)
class NoteView(ActionView):
    body_class = s.NoteSerializer
    field = "text"

    def perform(self, filed, data):
        agents.add_note(self.request._request, filed, data["text"])


@action_schema(
    "agent_request_assignee",
    "Assign the request",
    "As the inbox does: to an agent of the commune who handles the request's service, "
    "named by their email address; an empty address gives it back to the service's queue.",
    s.AssigneeSerializer,
)
class AssigneeView(ActionView):
    body_class = s.AssigneeSerializer
    field = "assignee_email"

    def perform(self, filed, data):
        email = data["assignee_email"].strip().casefold()
        assignee = None
        if email:
            assignee = next(
                (user for user in agents.colleagues_for(filed) if user.email.casefold() == email),
                None,
            )
            if assignee is None:
                raise ValidationError(
                    _("This person is not an agent of this commune for this service.")
                )
        agents.assign(self.request._request, filed, assignee)


class AnyAcceptNegotiation(BaseContentNegotiation):
    """A file goes whatever the client accepts; the errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


DOCUMENT_TYPES = sorted({*ACCEPTED_TYPES, UNKNOWN_TYPE})


class DocumentView(AgentView):
    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(
        operation_id="agent_request_document",
        summary="Download a document",
        description="The file of one of the request's documents (its id in the request's "
        "« documents »), as the inbox gives it: its type read from its content, recorded "
        "in the audit trail.",
        parameters=[
            REFERENCE,
            OpenApiParameter(
                "document",
                {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                OpenApiParameter.PATH,
                description="The document's id.",
            ),
        ],
        responses={
            **{
                (200, media): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")
                for media in DOCUMENT_TYPES
            },
            **{key: value for key, value in responses(None).items() if key[0] != 200},
        },
        tags=["agents"],
    )
    def get(self, request, reference, document):
        filed = self.get_filed(reference)
        # A string in the address, read here: an id that is not one is this API's JSON 404,
        # not the URL resolver's page.
        ok = document.isascii() and document.isdigit() and 0 < int(document) < 2**31
        found = filed.documents.filter(pk=int(document)).first() if ok else None
        if found is None:
            raise Http404(_("No such document for this request."))
        agents.record_download(request._request, filed, found)
        return serve_document(found, as_attachment=True)
