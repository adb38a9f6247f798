"""The agents' inbox: the filtered list of requests and its CSV export.

The list costs the same few queries whatever the number of requests (one page, the
assignee joined); the export streams every filtered row in French for Excel: ``;``
separator, UTF-8 with a byte-order mark, dates as 31/12/2026.
"""

import csv

from django import forms
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecommune.core.registry import registry
from ecommune.requests.agents import agent_of, requests_for
from ecommune.requests.services import agent_status_label, status_choices
from ecommune.requests.statuses import CLOSED_STATUSES, Status

SORTS = {
    "expected": ("expected_answer_on", "pk"),
    "-expected": ("-expected_answer_on", "-pk"),
    "submitted": ("submitted_at", "pk"),
    "-submitted": ("-submitted_at", "-pk"),
}


def services_of(user) -> list:
    """The services the user handles, as registered classes (every one for a superuser)."""
    if user.is_superuser:
        return list(registry)
    agent = agent_of(user)
    slugs = list(agent.services) if agent else []
    return [registry.get(slug) for slug in slugs if slug in registry]


class InboxFilterForm(forms.Form):
    service = forms.ChoiceField(label=gettext_lazy("Service"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    mine = forms.BooleanField(label=gettext_lazy("Assigned to me"), required=False)
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        choices=[
            ("expected", gettext_lazy("Expected date, earliest first")),
            ("-expected", gettext_lazy("Expected date, latest first")),
            ("-submitted", gettext_lazy("Newest first")),
            ("submitted", gettext_lazy("Oldest first")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        services = services_of(user)
        self.fields["service"].choices = [("", _("All my services"))] + [
            (service.slug, str(service.title)) for service in services
        ]
        statuses: dict[str, str] = {}
        for service in services:
            for value, _label in status_choices(service):
                statuses.setdefault(value, agent_status_label(service, value))
        if not statuses:
            statuses = {value: agent_status_label(None, value) for value in Status.values}
        self.fields["status"].choices = [
            ("", _("Every status")),
            ("open", _("Every open request")),
            *statuses.items(),
        ]

    def filter(self, queryset, user):
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("service"):
            queryset = queryset.filter(service=data["service"])
        status = data.get("status")
        if status == "open":
            queryset = queryset.exclude(status__in=CLOSED_STATUSES)
        elif status:
            queryset = queryset.filter(status=status)
        if data.get("overdue"):
            queryset = queryset.filter(expected_answer_on__lt=timezone.localdate()).exclude(
                status__in=CLOSED_STATUSES
            )
        if data.get("mine"):
            queryset = queryset.filter(assigned_to=user)
        return queryset.order_by(*SORTS.get(data.get("sort") or "expected", SORTS["expected"]))


def inbox_queryset(user, params):
    form = InboxFilterForm(params or None, user=user)
    queryset = requests_for(user).select_related("assigned_to", "commune")
    return form, form.filter(queryset, user)


def _date(value) -> str:
    if not value:
        return ""
    if hasattr(value, "hour"):
        return date_format(timezone.localtime(value), "d/m/Y H:i")
    return date_format(value, "d/m/Y")


def _cell(value: str) -> str:
    """Text typed by residents must not run as a spreadsheet formula (CSV injection)."""
    value = value or ""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class _Echo:
    def write(self, value):
        return value


def csv_response(queryset, filename: str) -> StreamingHttpResponse:
    headers = [
        _("Reference"),
        _("Service"),
        _("Status"),
        _("Submitted on"),
        _("Expected answer by"),
        _("Overdue"),
        _("Applicant"),
        _("Email"),
        _("Phone"),
        _("Person concerned"),
        _("Assigned to"),
        _("Closed on"),
    ]
    today = timezone.localdate()

    def rows():
        writer = csv.writer(_Echo(), delimiter=";")
        yield "\ufeff" + writer.writerow(headers)
        for filed in queryset.iterator(chunk_size=500):
            service = registry.get(filed.service) if filed.service in registry else None
            overdue = (
                filed.expected_answer_on is not None
                and filed.expected_answer_on < today
                and filed.status not in CLOSED_STATUSES
            )
            yield writer.writerow(
                [
                    filed.reference,
                    str(service.title) if service else filed.service,
                    agent_status_label(service, filed.status),
                    _date(filed.submitted_at),
                    _date(filed.expected_answer_on),
                    _("yes") if overdue else _("no"),
                    _cell(filed.applicant_name),
                    _cell(filed.applicant_email),
                    filed.applicant_phone,
                    _cell(f"{filed.beneficiary_first_name} {filed.beneficiary_last_name}".strip()),
                    filed.assigned_to.get_full_name() or filed.assigned_to.email
                    if filed.assigned_to
                    else "",
                    _date(filed.closed_at),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
