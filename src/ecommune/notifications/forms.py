"""The back-office form of a commune's message template."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ecommune.core.registry import registry
from ecommune.core.tenancy import get_current_commune
from ecommune.notifications.events import COMMON_VARIABLES, events
from ecommune.notifications.models import Channel, NotificationTemplate
from ecommune.notifications.rendering import compile_commune_template


def variables_help():
    """Every event's variables, for the agent who writes a template."""
    rows = []
    for event in events:
        if not event.customisable:
            continue
        names = {**event.variables, **COMMON_VARIABLES}
        rows.append(
            format_html(
                "<p><strong>{}</strong> ({})<br>{}</p>",
                event.label,
                ", ".join(str(Channel(c).label) for c in event.channels),
                format_html_join(
                    ", ", "<code>{{{{ {} }}}}</code>: {}", ((n, d) for n, d in names.items())
                ),
            )
        )
    return format_html_join("", "{}", ((row,) for row in rows))


class NotificationTemplateForm(WagtailAdminModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ["event", "channel", "service", "subject", "body", "active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"] = forms.ChoiceField(
            label=_("event"),
            choices=events.choices(customisable_only=True),
            help_text=variables_help(),
        )
        self.fields["service"] = forms.ChoiceField(
            label=_("service"),
            choices=[("", _("Every service")), *registry.choices()],
            required=False,
            help_text=self.fields["service"].help_text,
        )

    def clean_subject(self):
        subject = self.cleaned_data.get("subject", "")
        compile_commune_template(subject)
        return subject

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        compile_commune_template(body)
        return body

    def clean(self):
        cleaned = super().clean()
        # The back office serves one commune (the agent's; the host's for a superuser).
        commune = get_current_commune() or (
            self.instance.commune if self.instance.commune_id else None
        )
        event, channel = cleaned.get("event"), cleaned.get("channel")
        if event in events and channel and channel not in events.get(event).channels:
            self.add_error("channel", _("This event sends no message on this channel."))
        if channel == Channel.EMAIL and not (cleaned.get("subject") or "").strip():
            self.add_error("subject", _("An email needs a subject."))
        if commune is not None and event and channel:
            self.instance.commune = commune
            twin = (
                NotificationTemplate.objects.for_commune(commune)
                .filter(event=event, channel=channel, service=cleaned.get("service", ""))
                .exclude(pk=self.instance.pk)
            )
            if twin.exists():
                raise ValidationError(
                    _("This commune already has a template for this event, channel and service."),
                    code="unique",
                )
        return cleaned
