"""Keeping in the account an address given in a request (``ecommune.core.addresses``).

The engine puts the address a signed-in resident sent, when it differs from their
account's, in the session under ``ADDRESS_OFFER_KEY``; the acknowledgment offers to keep
it. The button posts nothing but the choice: the address is read from the session, checked
as « Mes coordonnées » checks it, and saved (which may offer electoral registration in a
new commune, as a change in « Mes coordonnées » does)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecommune.core.redirects import safe_next

ADDRESS_OFFER_KEY = "ecommune_address_offer"


@login_required
@require_POST
def address_update(request):
    from ecommune.accounts.forms import ProfileForm

    offered = request.session.pop(ADDRESS_OFFER_KEY, None)
    back = safe_next(request, "ecommune_accounts:space")
    if request.POST.get("keep") != "yes" or not isinstance(offered, dict):
        return redirect(back)
    user = request.user
    data = {name: getattr(user, name) for name in ProfileForm._meta.fields}
    data.update(
        street_address=offered.get("street", ""),
        postal_code=offered.get("postal_code", ""),
        city=offered.get("city", ""),
    )
    form = ProfileForm({k: v for k, v in data.items() if v not in (None, False)}, instance=user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Your address is updated in your account."))
    else:
        messages.warning(
            request, _("This address could not be kept: change it in « Mes coordonnées ».")
        )
    return redirect(back)
