"""Back office: the commune's agents, and inviting new ones by email.

Only a superuser or an agent holding ``ecommune_accounts.add_agent`` (given through a
group, Settings → Groups) gets in (``INVITERS``). The agents listed and invited are those
of the commune the back office serves the user (an agent's own commune, whatever the
host name), so an administrator of commune A never sees nor invites into commune B.
An administrator who is not a superuser gives only groups they belong to themselves:
nobody hands out more rights than they hold.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ecommune.accounts import invitations
from ecommune.accounts.backoffice import Access, BackOfficeMixin, BackOfficeViewSet
from ecommune.accounts.models import Agent
from ecommune.core.tenancy import get_current_commune

#: Who may list the commune's agents and invite new ones.
INVITERS = Access(permission="ecommune_accounts.add_agent")


def assignable_groups(user):
    """The groups ``user`` may give: every group for a superuser, their own otherwise."""
    if user.is_superuser:
        return Group.objects.order_by("name")
    return user.groups.order_by("name")


def _gives_back_office(groups) -> bool:
    return any(
        group.permissions.filter(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ).exists()
        for group in groups
    )


class InviteAgentForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    services = forms.MultipleChoiceField(
        label=_("Services"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The procedures of the commune this agent handles."),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=Group.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The rights of the agent. One group at least must give access to the back office."
        ),
        error_messages={"required": _("Choose at least one group.")},
    )

    def __init__(self, *args, commune, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [
            (service.slug, service.title) for service in commune.services()
        ]
        self.fields["groups"].queryset = assignable_groups(user)

    def clean_email(self):
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"]).lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "This address already has an account. Ask the install's technical "
                    "team to make it an agent, or use another address."
                )
            )
        return email

    def clean_groups(self):
        groups = self.cleaned_data["groups"]
        if not _gives_back_office(groups):
            raise forms.ValidationError(
                _("Choose at least one group that gives access to the back office.")
            )
        return groups


class _AgentsPage(BackOfficeMixin, WagtailAdminTemplateMixin):
    header_icon = "group"
    url_namespace = None
    # No breadcrumbs: the header is then the page's title, as a heading (Wagtail shows a
    # lone « Accueil » otherwise).
    breadcrumbs_items = []

    def commune(self):
        return get_current_commune()

    def agents(self):
        return Agent.objects.filter(commune=self.commune())


class AgentIndexView(_AgentsPage, TemplateView):
    """The commune's agents; those still to choose a password can be sent a new link."""

    page_title = _("Agents")
    template_name = "ecommune_accounts/admin/agents.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agents = (
            self.agents()
            .select_related("user")
            .prefetch_related("user__groups")
            .order_by("user__last_name", "user__first_name", "user__email")
        )
        titles = {s.slug: s.title for s in self.commune().services()}
        context["rows"] = [
            {
                "agent": agent,
                "pending": invitations.is_pending(agent),
                "services": [titles.get(slug, slug) for slug in agent.services or []],
                "groups": [group.name for group in agent.user.groups.all()],
                "resend_url": reverse(f"{self.url_namespace}:resend", args=[agent.pk]),
            }
            for agent in agents
        ]
        context["invite_url"] = reverse(f"{self.url_namespace}:invite")
        return context


class InviteAgentView(_AgentsPage, FormView):
    page_title = _("Invite an agent")
    template_name = "ecommune_accounts/admin/invite_agent.html"
    form_class = InviteAgentForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "commune": self.commune(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        agent = invitations.invite_agent(
            self.request,
            commune=self.commune(),
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            services=data["services"],
            groups=data["groups"],
        )
        messages.success(
            self.request,
            ngettext(
                "The invitation is on its way to %(email)s: the link works for %(days)s day.",
                "The invitation is on its way to %(email)s: the link works for %(days)s days.",
                invitations.valid_days(),
            )
            % {"email": agent.user.email, "days": invitations.valid_days()},
        )
        return redirect(f"{self.url_namespace}:index")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "index_url": self.index_url()}

    def index_url(self):
        return reverse(f"{self.url_namespace}:index")


class ResendInvitationView(_AgentsPage, TemplateView):
    """Asks before sending a new link to an agent still waiting; the old links stop."""

    page_title = _("Send the invitation again")
    template_name = "ecommune_accounts/admin/resend_invitation.html"

    def dispatch(self, request, *args, **kwargs):
        # Only an agent of the commune still waiting: anyone else is a 404, for every method.
        waiting = self.agents().filter(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        self.agent = get_object_or_404(waiting.select_related("user"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "agent": self.agent,
            "index_url": reverse(f"{self.url_namespace}:index"),
        }

    def post(self, request, *args, **kwargs):
        invitations.resend_invitation(request, self.agent)
        messages.success(
            request,
            gettext(
                "A new invitation is on its way to %(email)s; the earlier link no longer works."
            )
            % {"email": self.agent.user.email},
        )
        return redirect(f"{self.url_namespace}:index")


class AgentViewSet(BackOfficeViewSet):
    """« Agents » in the settings menu: the list, the invitation form, the new link."""

    icon = "group"
    menu_label = _("Agents")
    add_to_settings_menu = True
    menu_order = 850
    access = INVITERS
    url_prefix = "agents"

    pages = (
        ("", AgentIndexView, "index"),
        ("inviter/", InviteAgentView, "invite"),
        ("<int:pk>/renvoyer/", ResendInvitationView, "resend"),
    )


agent_viewset = AgentViewSet("ecommune_agents")
