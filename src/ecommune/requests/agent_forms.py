"""The back-office forms of a request's page: one per action, each with its own errors."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ecommune.core.registry import registry
from ecommune.notifications.rendering import compile_commune_template
from ecommune.requests.agents import (
    REPLY_VARIABLES,
    agent_of,
    canned_replies_for,
    colleagues_for,
)
from ecommune.requests.models import CannedReply, Channel
from ecommune.requests.services import agent_status_label, allowed_transitions


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)

    def __init__(self, *args, filed, **kwargs):
        super().__init__(*args, **kwargs)
        self.colleagues = {str(user.pk): user for user in colleagues_for(filed)}
        self.fields["assignee"].choices = [("", _("Nobody (the service's queue)"))] + [
            (pk, user.get_full_name() or user.email) for pk, user in self.colleagues.items()
        ]
        if filed.assigned_to_id:
            self.fields["assignee"].initial = str(filed.assigned_to_id)

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        return self.colleagues.get(value) if value else None


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The resident reads it with the new status."),
    )

    def __init__(self, *args, filed, **kwargs):
        super().__init__(*args, **kwargs)
        service = filed.service_class()
        self.fields["status"].choices = [
            (value, agent_status_label(service, value))
            for value in allowed_transitions(service, filed.status)
        ]


class MessageForm(forms.Form):
    canned_reply = forms.ChoiceField(label=_("Canned reply"), required=False)
    text = forms.CharField(
        label=_("Message to the resident"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )

    def __init__(self, *args, filed, **kwargs):
        super().__init__(*args, **kwargs)
        self.replies = {str(reply.pk): reply for reply in canned_replies_for(filed)}
        self.fields["canned_reply"].choices = [("", _("None: I write my own"))] + [
            (pk, reply.title) for pk, reply in self.replies.items()
        ]

    def clean_canned_reply(self):
        value = self.cleaned_data["canned_reply"]
        return self.replies.get(value) if value else None


class MissingPieceForm(forms.Form):
    missing = forms.CharField(
        label=_("What is missing"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        help_text=_(
            "The resident receives it by email with a link to add the document or answer. "
            "The delay is suspended until they do."
        ),
        error_messages={"required": _("Say what is missing.")},
    )


class ContactForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            (Channel.PHONE, Channel.PHONE.label),
            (Channel.COUNTER, Channel.COUNTER.label),
            (Channel.POST, Channel.POST.label),
            (Channel.EMAIL, Channel.EMAIL.label),
        ],
    )
    text = forms.CharField(
        label=_("What was said or received"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Say what was said or received.")},
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Only agents read it."),
        error_messages={"required": _("Write the note.")},
    )


class CannedReplyForm(WagtailAdminModelForm):
    class Meta:
        model = CannedReply
        fields = ["service", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agent = agent_of(getattr(self, "for_user", None))
        services = registry.choices()
        if agent is not None:
            # An agent writes replies for the services they handle.
            services = [(slug, title) for slug, title in services if slug in agent.services]
        self.fields["service"] = forms.ChoiceField(
            label=_("service"),
            choices=[("", _("Every service")), *services],
            required=False,
            help_text=self.fields["service"].help_text,
        )
        self.fields["body"].help_text = _("Variables you may use: %(names)s.") % {
            "names": ", ".join(f"{{{{ {name} }}}}" for name in REPLY_VARIABLES)
        }

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        compile_commune_template(body)
        return body
