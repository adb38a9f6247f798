"""Reading one DILA « vosdroits » XML file (schemas 3.0 to 3.5): a ``Publication`` (root
``<Publication>``: the ``F…`` fiches, guided searches included, and the ``N…`` themes and
dossiers) or a ``Resource`` (root ``<ServiceComplementaire>``: the ``R…`` online services,
forms with their Cerfa number, document models, simulators and search tools).

The body is turned into HTML here, once, at import time, from a closed list of
elements: every text is escaped and only the tags below are produced, so the stored
HTML is safe to show. Links to other publications point to the site's own route
(``/vos-droits/<ID>/``), which falls back to service-public.fr for a fiche not imported.
This module knows nothing of the database; ``importer`` stores what it returns.
"""

import datetime
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import quote

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

DC = "{http://purl.org/dc/elements/1.1/}"
PUBLICATION_ID_RE = re.compile(r"^[FNR]\d+$")
FILE_NAME_RE = re.compile(r"^[FNR]\d+\.xml$")
SERVICE_PUBLIC_URL = "https://www.service-public.gouv.fr/particuliers/vosdroits/{id}"
# Elements that only steer service-public.fr's own interactive display.
SKIPPED = {"Condition", "estVrai", "estFaux", "Source"}
#: What ``web_url`` leaves as it is: RFC 3986's reserved and unreserved characters but the
#: brackets (only legal around an IPv6 host, which the set has none of), and « % ».
URL_SAFE = ":/?#@!$&'()*+,;=-._~%"
#: The id of the fiche page's town-hall block, where local « où s'adresser » answers lead.
TOWN_HALL_ANCHOR = "votre-mairie"


class UnreadablePublication(ValueError):
    """The file is not a publication this importer can read; the message says why."""


@dataclass
class Publication:
    publication_id: str
    publication_type: str
    title: str
    description: str
    audience: str
    modified: datetime.date | None
    sp_url: str
    breadcrumb: list[tuple[str, str]]
    online_services: list[dict]
    local_contact: bool
    body_html: str
    text: str
    related_ids: list[str] = field(default_factory=list)
    #: The « Où s'adresser » entries: dicts with id, title, complement, url, html and
    #: ``local`` (the answer is the town hall: the page shows the commune's own address).
    where: list[dict] = field(default_factory=list)
    #: References, find out more, see also, definitions: shown after the online services
    #: and the « Où s'adresser » entries.
    appendix_html: str = ""


@dataclass
class Resource:
    """One ``R…`` file: an online service, a form, a document model, a simulator..."""

    publication_id: str
    resource_type: str
    title: str
    description: str
    cerfa: str
    other_number: str
    url: str
    file_format: str
    file_size: str
    source: str
    notices: list[dict]
    fiche_ids: list[str]
    where: list[dict]
    modified: datetime.date | None
    sp_url: str
    body_html: str


def fiche_url(publication_id: str) -> str:
    return f"/vos-droits/{publication_id}/"


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _modified(value: str) -> datetime.date | None:
    match = re.search(r"(\d{4}-\d{2}-\d{2})", value or "")
    return datetime.date.fromisoformat(match.group(1)) if match else None


class _Renderer:
    """Turns the publication's elements into HTML with headings below ``level``."""

    def __init__(self):
        self.related: list[str] = []
        self.local_contact = False

    def inline(self, element) -> str:
        """Mixed content (text, emphasis, links) of ``element``, without its own tag."""
        out = [escape(element.text or "")]
        for child in element:
            out.append(self.inline_element(child))
            out.append(escape(child.tail or ""))
        return "".join(out)

    def inline_element(self, child) -> str:
        tag = child.tag
        if tag in SKIPPED:
            return ""
        if tag == "MiseEnEvidence":
            return f"<strong>{self.inline(child)}</strong>"
        if tag == "Exposant":
            return f"<sup>{self.inline(child)}</sup>"
        if tag == "LienInterne":
            target = child.get("LienPublication", "")
            if PUBLICATION_ID_RE.match(target):
                # A fiche, theme or resource: its page here, or service-public.fr's.
                if target[:1] in ("F", "N"):
                    self.related.append(target)
                return f'<a href="{fiche_url(target)}">{self.inline(child)}</a>'
            return self.inline(child)
        if tag == "LienExterne":
            url = web_url(child.get("URL"))
            if url:
                return f'<a href="{escape(url)}" rel="noopener">{self.inline(child)}</a>'
            return self.inline(child)
        if tag == "LienIntra":
            target = child.get("LienID", "")
            if PUBLICATION_ID_RE.match(target):
                return f'<a href="#{target}">{self.inline(child)}</a>'
            return self.inline(child)
        if tag in ("Paragraphe", "Titre"):
            return self.inline(child)
        return self.inline(child)

    def blocks(self, element, level: int) -> str:
        return "".join(self.block(child, level) for child in element)

    def warning(self, element) -> str:
        """An « Avertissement »: a change announced (a reform, a text awaited), shown
        before the rest as service-public.fr does."""
        title = element.find("Titre")
        title_html = self.inline(title).strip() if title is not None else ""
        text = element.find("Texte")
        body = self.blocks(text, 3) if text is not None else ""
        if not (title_html or body):
            return ""
        return (
            f'<div class="ec-fiche__warning" role="note">'
            f'<p class="ec-fiche__warning-title"><strong>{title_html}</strong></p>{body}</div>'
        )

    def heading(self, element, level: int) -> str:
        title = element.find("Titre")
        if title is None:
            return ""
        return f"<h{min(level, 6)}>{self.inline(title).strip()}</h{min(level, 6)}>"

    def block(self, element, level: int) -> str:
        tag = element.tag
        if tag in SKIPPED or tag == "Titre":
            return ""
        if tag == "Paragraphe":
            return f"<p>{self.inline(element)}</p>"
        if tag in ("Texte", "Introduction"):
            return self.blocks(element, level)
        if tag == "Liste":
            kind = "ol" if element.get("type") == "numero" else "ul"
            return f"<{kind}>{self.blocks(element, level)}</{kind}>"
        if tag == "Item":
            return f"<li>{self.blocks(element, level)}</li>"
        if tag in ("Chapitre", "SousChapitre", "Situation", "Cas"):
            return (
                f'<section class="ec-fiche__{tag.lower()}">{self.heading(element, level)}'
                f"{self.blocks(element, level + 1)}</section>"
            )
        if tag in ("ListeSituations", "BlocCas"):
            return f'<div class="ec-fiche__cases">{self.blocks(element, level)}</div>'
        if tag in ("ANoter", "ASavoir", "Attention", "Rappel"):
            title = element.find("Titre")
            title_html = (
                f'<p class="ec-note__title"><strong>{self.inline(title)}</strong></p>'
                if title is not None
                else ""
            )
            return f'<div class="ec-note">{title_html}{self.blocks(element, level)}</div>'
        if tag == "Tableau":
            return self.table(element)
        if tag == "OuSAdresser":
            return self.where(element)
        if tag == "ServiceEnLigne":
            return self.online_service(element)
        if tag == "Problematiques":
            return self.guided_search(element, level)
        if tag in ("PivotLocal", "RessourceWeb"):
            return ""
        return self.blocks(element, level)

    def where(self, element) -> str:
        """« Où s'adresser »: the town hall's own block when the answer is local."""
        title = escape(_text(element.find("Titre")))
        if _text(element.find("PivotLocal")) == "mairie":
            self.local_contact = True
            return f'<p class="ec-where"><a href="#{TOWN_HALL_ANCHOR}">{title}</a></p>'
        resource = element.find("RessourceWeb")
        url = web_url(resource.get("URL")) if resource is not None else ""
        if url:
            return f'<p class="ec-where"><a href="{escape(url)}">{title}</a></p>'
        return f'<p class="ec-where">{title}</p>' if title else ""

    def online_service(self, element) -> str:
        """A service or form cited within the text: its link, kind and Cerfa number."""
        service = online_service(element)
        if service is None:
            return self.blocks(element, 6)
        note = ", ".join(filter(None, [service["type"], cerfa_label(service["cerfa"])]))
        note_html = f' <span class="ec-meta">({escape(note)})</span>' if note else ""
        return (
            f'<p class="ec-resource"><a href="{escape(service["url"])}">'
            f"{escape(service['title'])}</a>{note_html}</p>"
        )

    def guided_search(self, element, level: int) -> str:
        """A « Recherche guidée »: each question's answers as nested lists, the last
        answer leading to the fiche that fits; service-public.fr asks them one at a time."""
        items = "".join(self.branch(child) for child in element if child.tag == "Problematique")
        return f'<div class="ec-fiche__guided"><ul>{items}</ul></div>' if items else ""

    def branch(self, element) -> str:
        label = self.inline_title(element.find("Titre"))
        target = element.find("LienInterne")
        target_id = target.get("LienPublication", "") if target is not None else ""
        if PUBLICATION_ID_RE.match(target_id):
            self.related.append(target_id)
            label = f'<a href="{fiche_url(target_id)}">{label}</a>'
        help_html = "".join(
            f'<div class="ec-fiche__help">{self.blocks(child, 6)}</div>'
            for child in element
            if child.tag == "Aide"
        )
        children = "".join(self.branch(child) for child in element if child.tag == "Branche")
        nested = f"<ul>{children}</ul>" if children else ""
        return f"<li><p>{label}</p>{help_html}{nested}</li>"

    def inline_title(self, title) -> str:
        """A ``Titre`` as inline HTML, whether it holds text or ``Paragraphe`` elements."""
        if title is None:
            return ""
        paragraphs = title.findall("Paragraphe")
        if paragraphs:
            return " ".join(self.inline(p).strip() for p in paragraphs)
        return self.inline(title).strip()

    def table(self, element) -> str:
        title = element.find("Titre")
        caption = f"<caption>{self.inline(title)}</caption>" if title is not None else ""
        rows = []
        for row in element.findall("Rangée"):
            cell_tag = "th" if row.get("type") == "header" else "td"
            cells = "".join(
                f"<{cell_tag}>{self.blocks(cell, 6) or self.inline(cell)}</{cell_tag}>"
                for cell in row.findall("Cellule")
            )
            rows.append(f"<tr>{cells}</tr>")
        return f'<div class="ec-table"><table>{caption}{"".join(rows)}</table></div>'


def web_url(value: str | None) -> str:
    """An http(s) address from the file, with the characters a URL may not hold (spaces,
    « [ » in a fragment: the set has both) percent-encoded; "" for anything else."""
    value = (value or "").strip()
    if not value.startswith(("https://", "http://")):
        return ""
    return quote(value, safe=URL_SAFE)


def cerfa_label(number: str) -> str:
    return _("Cerfa No. %(number)s") % {"number": number} if number else ""


def online_service(element) -> dict | None:
    """A ``ServiceEnLigne`` citation: the resource's id, title, link, kind, Cerfa number."""
    url = web_url(element.get("URL"))
    resource_id = element.get("ID", "")
    if not url and not PUBLICATION_ID_RE.match(resource_id):
        return None
    return {
        "id": resource_id if PUBLICATION_ID_RE.match(resource_id) else "",
        "title": _text(element.find("Titre")),
        "url": url,
        "type": element.get("type", ""),
        "cerfa": element.get("numerocerfa", ""),
    }


def where_entry(renderer: "_Renderer", element) -> dict | None:
    """An ``OuSAdresser``: who to ask, with its link and contact text; ``local`` when the
    answer is the town hall (``PivotLocal`` « mairie »)."""
    title = _text(element.find("Titre"))
    resource = element.find("RessourceWeb")
    text = element.find("Texte")
    entry = {
        "id": element.get("ID", ""),
        "title": title,
        "complement": _text(element.find("Complement")),
        "url": web_url(resource.get("URL")) if resource is not None else "",
        "local": _text(element.find("PivotLocal")) == "mairie",
        "html": renderer.blocks(text, 4) if text is not None else "",
    }
    return entry if title or entry["local"] else None


def _link_list(items: list[tuple[str, str, str]]) -> str:
    """<ul> of (href, text, note) links."""
    lis = []
    for href, text, note in items:
        note_html = f' <span class="ec-meta">({escape(note)})</span>' if note else ""
        lis.append(f'<li><a href="{escape(href)}">{escape(text)}</a>{note_html}</li>')
    return f"<ul>{''.join(lis)}</ul>"


def _section(title: str, content: str, css: str) -> str:
    return f'<section class="ec-fiche__{css}"><h2>{escape(title)}</h2>{content}</section>'


# A declaration is what entity attacks (billion laughs, external entities) need.
DECLARATION_RE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)


def _xml_root(data: bytes):
    """The parsed tree. The DILA's files declare nothing, so they go to the C parser, ten
    times faster than defusedxml's Python one; a file with a declaration, or in an encoding
    where the check above cannot see one (UTF-16/32), goes through defusedxml, which
    refuses it."""
    if b"\x00" in data[:4] or DECLARATION_RE.search(data):
        return SafeET.fromstring(data)
    return ET.fromstring(data)  # noqa: S314  (no declaration: nothing to expand)


def parse(data: bytes) -> Publication | Resource:
    """Read one publication or resource; raises ``UnreadablePublication`` with the reason."""
    try:
        root = _xml_root(data)
    except (ET.ParseError, DefusedXmlException) as error:
        raise UnreadablePublication(f"invalid XML: {error}") from error
    if root.tag not in ("Publication", "ServiceComplementaire"):
        raise UnreadablePublication(
            f"root element is <{root.tag}>, not <Publication> or <ServiceComplementaire>"
        )
    publication_id = root.get("ID", "")
    if not PUBLICATION_ID_RE.match(publication_id):
        raise UnreadablePublication(f"missing or invalid ID {publication_id!r}")
    title = _text(root.find(f"{DC}title"))
    if not title:
        raise UnreadablePublication("no dc:title")
    if root.tag == "ServiceComplementaire":
        return _resource(root, publication_id, title)

    renderer = _Renderer()
    parts: list[str] = [renderer.warning(element) for element in root.findall("Avertissement")]
    intro = root.find("Introduction")
    if intro is not None:
        parts.append(f'<div class="ec-fiche__intro">{renderer.blocks(intro, 2)}</div>')
    for element in root:
        if element.tag in ("Texte", "ListeSituations", "BlocCas", "Problematiques"):
            parts.append(renderer.block(element, 2))

    # The themes' and dossiers' trees (N publications): sub-themes, dossiers, fiches.
    tree_sections = []
    for group in root.findall("SousTheme") + root.findall("SousDossier"):
        title_el = group.find("Titre")
        links = []
        for child in group:
            if child.tag in ("Dossier", "Fiche") and PUBLICATION_ID_RE.match(child.get("ID", "")):
                renderer.related.append(child.get("ID"))
                links.append((fiche_url(child.get("ID")), _text(child), ""))
        if links:
            tree_sections.append(_section(_text(title_el), _link_list(links), "tree"))
    if root.find("DossierPere") is None or publication_id.startswith("N"):
        parts.extend(tree_sections)

    # A theme's « Comment faire si… »: the step-by-step guides of a life event.
    how_to = [
        e
        for e in root.findall("CommentFaireSi")
        if PUBLICATION_ID_RE.match(e.get("ID", "")) and _text(e)
    ]
    if how_to:
        renderer.related.extend(e.get("ID") for e in how_to)
        links = [(fiche_url(e.get("ID")), _text(e), "") for e in how_to]
        parts.append(_section(_("How to do it if…"), _link_list(links), "how-to"))

    questions = [
        (fiche_url(q.get("ID")), _text(q.find("Titre")) or _text(q), "")
        for q in root.findall("QuestionReponse")
        if PUBLICATION_ID_RE.match(q.get("ID", ""))
    ]
    if questions:
        parts.append(_section(_("Questions and answers"), _link_list(questions), "questions"))

    online_services = []
    cited: set[str] = set()
    for element in root.findall("ServiceEnLigne"):
        service = online_service(element)
        if service is not None and (service["id"] or service["url"]) not in cited:
            cited.add(service["id"] or service["url"])
            online_services.append(service)

    where = []
    for element in root.findall("OuSAdresser"):
        entry = where_entry(renderer, element)
        if entry is None or entry in where:
            continue
        if entry["local"] and any(known["local"] for known in where):
            continue  # one town-hall entry: the page shows the commune's address once
        where.append(entry)
    local_contact = renderer.local_contact or any(entry["local"] for entry in where)
    if local_contact and not any(entry["local"] for entry in where):
        # The text sends to the town hall (« Où s'adresser » within a case) and the list
        # does not name it: the town hall's entry, where those links lead, is added.
        where.append(
            {
                "id": "",
                "title": _("Town hall"),
                "complement": "",
                "url": "",
                "local": True,
                "html": "",
            }
        )

    appendix: list[str] = []
    guided = [
        (fiche_url(e.get("ID")), _text(e.find("Titre")), "")
        for e in root.findall("RechercheGuidee")
        if PUBLICATION_ID_RE.match(e.get("ID", ""))
    ]
    if guided:
        appendix.append(_section(_("Guided search"), _link_list(guided), "guided-links"))
    for tag, heading, css in (
        ("Reference", _("Laws and references"), "references"),
        ("PourEnSavoirPlus", _("Find out more"), "more"),
    ):
        links = [
            (web_url(e.get("URL")), _text(e.find("Titre")), _text(e.find("Complement")))
            for e in root.findall(tag)
            if web_url(e.get("URL"))
        ]
        if tag == "PourEnSavoirPlus":
            # A commented link: a document of a ministry, named with its source.
            links += [
                (web_url(link.get("URL")), _text(link), _text(e.find("Source")))
                for e in root.findall("LienExterneCommente")
                for link in e.findall("LienExterne")[:1]
                if web_url(link.get("URL")) and _text(link)
            ]
        if links:
            appendix.append(_section(heading, _link_list(links), css))

    see_also = [
        (fiche_url(e.get("ID")), _text(e.find("Titre")), "")
        for block in root.findall("VoirAussi")
        for e in block
        if PUBLICATION_ID_RE.match(e.get("ID", "")) and e.get("ID", "")[:1] in "FN"
    ]
    if see_also:
        appendix.append(_section(_("See also"), _link_list(see_also), "see-also"))

    glossary = [
        f'<dt id="{e.get("ID")}">{escape(_text(e.find("Titre")))}</dt>'
        f"<dd>{escape(_text(e.find('Texte')))}</dd>"
        for e in root.findall("Definition") + root.findall("Abreviation")
        if PUBLICATION_ID_RE.match(e.get("ID", ""))
    ]
    if glossary:
        appendix.append(_section(_("Definitions"), f"<dl>{''.join(glossary)}</dl>", "glossary"))

    breadcrumb = [
        (level.get("ID", ""), _text(level))
        for level in root.findall("FilDAriane/Niveau")
        if PUBLICATION_ID_RE.match(level.get("ID", "")) and level.get("ID") != publication_id
    ]
    body_html = "".join(parts)
    appendix_html = "".join(appendix)
    where_text = " ".join(
        " ".join([entry["title"], entry["complement"], entry["html"]]) for entry in where
    )
    return Publication(
        publication_id=publication_id,
        publication_type=root.get("type", ""),
        title=title,
        description=_text(root.find(f"{DC}description")),
        audience=_text(root.find("Audience")),
        modified=_modified(_text(root.find(f"{DC}date"))),
        sp_url=root.get("spUrl") or SERVICE_PUBLIC_URL.format(id=publication_id),
        breadcrumb=breadcrumb,
        online_services=online_services,
        local_contact=local_contact,
        body_html=body_html,
        text=_plain(" ".join([body_html, where_text, appendix_html])),
        related_ids=sorted(set(renderer.related)),
        where=where,
        appendix_html=appendix_html,
    )


def _plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _resource(root, publication_id: str, full_title: str) -> Resource:
    """A ``ServiceComplementaire``: its own title is the breadcrumb's last level (the
    ``dc:title`` repeats the kind and the Cerfa number), its link the ``LienWeb``."""
    renderer = _Renderer()
    own_level = next(
        (n for n in root.findall("FilDAriane/Niveau") if n.get("ID") == publication_id), None
    )
    link = root.find("LienWeb")
    url = web_url(link.get("URL")) if link is not None else ""
    notices = []
    for notice in root.findall("NoticeLiee"):
        notice_url = web_url(notice.get("URL"))
        if notice_url:
            notices.append(
                {
                    "id": notice.get("ID", ""),
                    "title": _text(notice),
                    "url": notice_url,
                    "cerfa": notice.get("numerocerfa", ""),
                    "format": notice.get("format", ""),
                    "size": notice.get("poids", ""),
                }
            )
    body = [
        renderer.blocks(element, 2) for element in root if element.tag in ("Introduction", "Texte")
    ]
    where = [
        entry
        for entry in (where_entry(renderer, e) for e in root.findall("OuSAdresser"))
        if entry is not None
    ]
    fiche_ids = []
    for fiche in root.findall("FicheLiee"):
        if PUBLICATION_ID_RE.match(fiche.get("ID", "")) and fiche.get("ID") not in fiche_ids:
            fiche_ids.append(fiche.get("ID"))
    return Resource(
        publication_id=publication_id,
        resource_type=root.get("type", ""),
        title=_text(own_level) or full_title,
        description=_text(root.find(f"{DC}description")),
        cerfa=_text(root.find("NumeroCerfa")),
        other_number=_text(root.find("AutreNumero")),
        url=url,
        file_format=link.get("format", "") if link is not None else "",
        file_size=link.get("poids", "") if link is not None else "",
        source=_text(link.find("Source")) if link is not None else "",
        notices=notices,
        fiche_ids=fiche_ids,
        where=where,
        modified=_modified(_text(root.find(f"{DC}date"))),
        sp_url=root.get("spUrl") or SERVICE_PUBLIC_URL.format(id=publication_id),
        body_html="".join(body),
    )
