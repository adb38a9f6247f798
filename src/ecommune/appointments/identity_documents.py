"""« Mes pièces d'identité »: a resident declares when their identity card or passport
expires, and « Mon agenda » tells them, ``RENEW_BEFORE`` ahead, to book its renewal (the
town hall's appointments for identity documents are often weeks away), then the day it
expires. Nothing is declared unless the resident does it; the declaration is erased a
month after the expiry (``forget_expired_declarations``) or when they remove it."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ecommune.accounts.agenda import AgendaItem, AgendaSource
from ecommune.appointments.models import DeclaredIdentityDocument, IdentityDocumentKind
from ecommune.core.dates import DateField
from ecommune.core.tenancy import each_commune, require_commune

#: How long before the expiry « Mon agenda » says to book the renewal.
RENEW_BEFORE = datetime.timedelta(days=90)
#: How long after the expiry the declaration is kept.
KEPT_AFTER = datetime.timedelta(days=30)


class DeclarationForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Document"),
        choices=IdentityDocumentKind.choices,
        widget=forms.RadioSelect,
    )
    expires_on = DateField(
        label=gettext_lazy("Expiry date"),
        help_text=gettext_lazy("As written on the document, such as 14/09/2027."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(
                _("This date is past: the document has expired, book an appointment to renew it.")
            )
        if value.year > timezone.localdate().year + 15:
            raise forms.ValidationError(_("An identity document is valid for 15 years at most."))
        return value


@login_required
@require_http_methods(["GET", "POST"])
def identity_documents(request):
    require_commune(request)
    declared = DeclaredIdentityDocument.objects.filter(user=request.user)
    form = DeclarationForm(request.POST if request.POST.get("action") == "declare" else None)
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            declared.filter(kind=request.POST.get("kind", "")).delete()
            messages.success(request, _("The date is removed from your agenda."))
            return redirect("ecommune_appointments:identity_documents")
        if form.is_valid():
            DeclaredIdentityDocument.objects.update_or_create(
                user=request.user,
                kind=form.cleaned_data["kind"],
                defaults={"expires_on": form.cleaned_data["expires_on"]},
            )
            messages.success(request, _("The date is in your agenda."))
            return redirect("ecommune_appointments:identity_documents")
    return render(
        request,
        "ecommune_appointments/identity_documents.html",
        {"form": form, "declared": list(declared), "renew_days": RENEW_BEFORE.days},
    )


def _day(day) -> str:
    text = date_format(day, "l j F Y")
    return text[:1].lower() + text[1:]


def identity_document_items(user, commune, today):
    """When to book the renewal (``RENEW_BEFORE`` ahead) and the expiry of each declared
    document (one query)."""
    url = reverse("ecommune_appointments:motives")
    for document in DeclaredIdentityDocument.objects.filter(user=user, expires_on__gte=today):
        name = document.get_kind_display()
        renew_on = document.expires_on - RENEW_BEFORE
        if renew_on >= today:
            yield AgendaItem(
                uid=f"identity-renew-{document.pk}-{document.expires_on:%Y%m%d}"
                f"@{commune.pk}.agenda.ecommune",
                title=_("%(document)s expires on %(day)s: book an appointment to renew it")
                % {"document": name, "day": _day(document.expires_on)},
                day=renew_on,
                kind=_("Identity document"),
                url=url,
            )
        yield AgendaItem(
            uid=f"identity-expires-{document.pk}-{document.expires_on:%Y%m%d}"
            f"@{commune.pk}.agenda.ecommune",
            title=_("%(document)s expires") % {"document": name},
            day=document.expires_on,
            kind=_("Identity document"),
            url=url,
        )


SOURCE = AgendaSource(
    name="identity_documents",
    items=identity_document_items,
    order=25,
    manage_label=gettext_lazy("Add the expiry date of my identity card or passport"),
    manage_url_name="ecommune_appointments:identity_documents",
)


def forget_expired_declarations(today: datetime.date | None = None) -> int:
    """Erase, in every commune, the declarations expired for more than ``KEPT_AFTER``."""
    limit = (today or timezone.localdate()) - KEPT_AFTER
    erased = 0
    for _commune in each_commune():
        erased += DeclaredIdentityDocument.objects.filter(expires_on__lt=limit).delete()[0]
    return erased
