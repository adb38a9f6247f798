"""« Mon espace »'s drafts: resume one (its answers go back in this browser's session, at
the step where the resident left) or delete it. Both are buttons (POST), working without
JavaScript; another resident's draft, or one of a service the commune no longer offers,
is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecommune.core.tenancy import require_commune
from ecommune.requests import drafts, wizard_files
from ecommune.requests.models import Draft
from ecommune.requests.views import enabled_service, wizard_form_list, wizard_prefix


def _own_draft(request, pk) -> Draft:
    require_commune(request)
    draft = Draft.objects.filter(owner=request.user, pk=pk).first()
    if draft is None:
        raise Http404
    return draft


def _session_storage(request, slug):
    return wizard_files.WizardSessionStorage(wizard_prefix(slug), request, wizard_files.storage)


@login_required
@require_POST
def resume(request, pk):
    draft = _own_draft(request, pk)
    service = enabled_service(request, draft.service)
    data, changed = drafts.restorable(draft, wizard_form_list(service))
    _session_storage(request, service.slug).data = data
    if changed:
        messages.warning(
            request,
            _(
                "This procedure has changed since you started it: the answers that still "
                "apply have been kept. Check each step before sending."
            ),
        )
    return redirect("ecommune_requests:wizard", slug=service.slug)


@login_required
@require_POST
def delete(request, pk):
    draft = _own_draft(request, pk)
    storage = _session_storage(request, draft.service)
    if storage.prefix in request.session:
        del request.session[storage.prefix]
    drafts.delete(draft)
    messages.success(request, _("The draft « %(title)s » is deleted.") % {"title": draft.title})
    return redirect("ecommune_accounts:space")
