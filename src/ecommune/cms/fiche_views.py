"""The fiches inside the commune's site: one page per fiche, with the DILA's attribution,
and links to the commune's online services it is about.

``ecommune.servicepublic`` imports and keeps the DILA's fiches, below the portal; these
pages are the portal's, so they are cms's and link the fiche to its service pages."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render

from ecommune.cms.models import service_links
from ecommune.servicepublic.links import services_for_fiche
from ecommune.servicepublic.models import Fiche, Resource
from ecommune.servicepublic.parser import PUBLICATION_ID_RE, SERVICE_PUBLIC_URL


def fiche(request, publication_id):
    """A published fiche or resource; one not imported (or withdrawn) sends to
    service-public.fr."""
    publication_id = publication_id.upper()
    if publication_id.startswith("R"):
        item = Resource.objects.published().filter(publication_id=publication_id).first()
        if item is not None:
            return resource(request, item)
    else:
        item = Fiche.objects.published().filter(publication_id=publication_id).first()
    if item is None:
        if not PUBLICATION_ID_RE.match(publication_id):
            raise Http404
        return HttpResponseRedirect(SERVICE_PUBLIC_URL.format(id=publication_id))
    commune = getattr(request, "commune", None)
    services = services_for_fiche(commune, publication_id)
    context = {
        "fiche": item,
        "online_services": online_services(item),
        "opening_days": commune.opening_days() if commune is not None else [],
        "services": service_links(request, services),
        "breadcrumb": [
            {"id": level_id, "title": title, "url": f"/vos-droits/{level_id}/"}
            for level_id, title in item.breadcrumb
            if level_id[:1] in ("F", "N")
        ],
    }
    return render(request, "ecommune_servicepublic/fiche.html", context)


def online_services(item: Fiche) -> list[dict]:
    """The resources the fiche cites, in its order: the imported ``Resource`` when there is
    one (Cerfa number, file, notice, its own page), else what the fiche itself says."""
    ids = [service["id"] for service in item.online_services if service.get("id")]
    imported = {
        r.publication_id: r for r in Resource.objects.published().filter(publication_id__in=ids)
    }
    cited = []
    for service in item.online_services:
        found = imported.get(service.get("id", ""))
        if found is not None:
            cited.append(
                {
                    "title": found.title,
                    "type": found.resource_type,
                    "url": found.url or service.get("url", ""),
                    "cerfa": found.cerfa,
                    "file_format": found.file_format,
                    "file_size": found.file_size,
                    "source": found.source,
                    "notices": found.notices,
                    "page": found.get_absolute_url(),
                }
            )
        elif service.get("url"):
            cited.append({**service, "notices": [], "page": ""})
    return cited


def resource(request, item: Resource):
    """An online service or form: its kind, Cerfa number, link, notices, the fiches that
    cite it and where to go."""
    commune = getattr(request, "commune", None)
    fiches = Fiche.objects.published().filter(publication_id__in=item.fiche_ids)
    by_id = {f.publication_id: f for f in fiches}
    context = {
        "resource": item,
        "fiches": [by_id[i] for i in item.fiche_ids if i in by_id],
        "opening_days": commune.opening_days() if commune is not None else [],
    }
    return render(request, "ecommune_servicepublic/resource.html", context)


def index(request):
    """The themes imported from service-public.fr, as an entry to the fiches."""
    themes = Fiche.objects.published().filter(publication_type="Theme").order_by("title")
    return render(
        request,
        "ecommune_servicepublic/index.html",
        {"themes": themes, "count": Fiche.objects.published().count()},
    )
