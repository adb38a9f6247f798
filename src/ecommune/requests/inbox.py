"""The agents' inbox: the filtered list of requests and its CSV export.

The list costs the same few queries whatever the number of requests (one page, the
assignee joined); the export streams every filtered row through the kit's CSV writer
(``ecommune.core.csv_export``), in French for Excel: ``;`` separator, UTF-8 with a
byte-order mark, dates as 31/12/2026, formulas defused.
"""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecommune.core import csv_export
from ecommune.core.registry import registry
from ecommune.requests.agents import agent_of, requests_for
from ecommune.requests.services import agent_status_label, status_choices
from ecommune.requests.statuses import Status, closed_q

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
            queryset = queryset.exclude(closed_q())
        elif status:
            queryset = queryset.filter(status=status)
        if data.get("overdue"):
            queryset = queryset.filter(expected_answer_on__lt=timezone.localdate()).exclude(
                closed_q()
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


def csv_response(queryset, filename: str):
    """The filtered requests as a CSV download, streamed (``csv_export.response``)."""
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
        yield headers
        for filed in queryset.iterator(chunk_size=500):
            service = registry.get(filed.service) if filed.service in registry else None
            overdue = (
                filed.expected_answer_on is not None
                and filed.expected_answer_on < today
                and not filed.is_closed
            )
            yield [
                filed.reference,
                str(service.title) if service else filed.service,
                agent_status_label(service, filed.status),
                _date(filed.submitted_at),
                _date(filed.expected_answer_on),
                _("yes") if overdue else _("no"),
                filed.applicant_name,
                filed.applicant_email,
                filed.applicant_phone,
                f"{filed.beneficiary_first_name} {filed.beneficiary_last_name}".strip(),
                filed.assigned_to.get_full_name() or filed.assigned_to.email
                if filed.assigned_to
                else "",
                _date(filed.closed_at),
            ]

    return csv_export.response(rows(), filename, streaming=True)
