"""The fiches inside the commune's site: one page per fiche, with the DILA's attribution,
and links to the commune's online services it is about.

``ecommune.servicepublic`` imports and keeps the DILA's fiches, below the portal; these
pages are the portal's, so they are cms's and link the fiche to its service pages."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render

from ecommune.cms.models import service_links
from ecommune.servicepublic.links import services_for_fiche
from ecommune.servicepublic.models import Fiche
from ecommune.servicepublic.parser import PUBLICATION_ID_RE, SERVICE_PUBLIC_URL


def fiche(request, publication_id):
    """A published fiche; one not imported (or withdrawn) sends to service-public.fr."""
    publication_id = publication_id.upper()
    item = Fiche.objects.published().filter(publication_id=publication_id).first()
    if item is None:
        if not PUBLICATION_ID_RE.match(publication_id):
            raise Http404
        return HttpResponseRedirect(SERVICE_PUBLIC_URL.format(id=publication_id))
    commune = getattr(request, "commune", None)
    services = services_for_fiche(commune, publication_id)
    context = {
        "fiche": item,
        "services": service_links(request, services),
        "breadcrumb": [
            {"id": level_id, "title": title, "url": f"/vos-droits/{level_id}/"}
            for level_id, title in item.breadcrumb
            if level_id[:1] in ("F", "N")
        ],
    }
    return render(request, "ecommune_servicepublic/fiche.html", context)


def index(request):
    """The themes imported from service-public.fr, as an entry to the fiches."""
    themes = Fiche.objects.published().filter(publication_type="Theme").order_by("title")
    return render(
        request,
        "ecommune_servicepublic/index.html",
        {"themes": themes, "count": Fiche.objects.published().count()},
    )
