"""The law on who may obtain which civil-status certificate, and where to ask for it.

Pure functions, so the wizard, the agent's screens and the tests apply the same rules:
- décret n° 2017-890 du 6 mai 2017, art. 30 (full copies), 31 (extracts with parentage),
  32 (extracts without parentage), and art. 30 al. 3 for death acts: open to anyone;
  art. 30 gives the person named in the act their full copy « si elle est majeure ou
  émancipée »: a minor's is asked by their legal representative (Code civil, art. 388-1-1,
  413-1 and 413-2 on emancipation, 414 on the age of majority);
- Code du patrimoine, art. L213-2: acts are open to anyone 75 years after the register
  closed (31 December of the act's year), or 25 years after the death of the person;
- service-public.fr F1427 lists the PACS partner beside the spouse;
- Code civil, art. 80: a death elsewhere is transcribed in the commune of the last
  domicile, which then delivers copies too;
- Règlement (UE) 2016/1191 and Convention CIEC n° 16: multilingual extracts, which carry
  the parents for births and marriages and so follow the same rule as full copies.

This module is not the wizard: it words no form error, it only answers yes or no and why.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Acts older than this are public archives (Code du patrimoine, L213-2).
PUBLIC_AFTER_YEARS = 75
#: Age of majority (Code civil, art. 414).
MAJORITY_AGE = 18
#: Secular civil-status registers start with the law of 20 September 1792.
FIRST_REGISTER_YEAR = 1792
MAX_COPIES = 5

#: The Service central d'état civil (Nantes) keeps the acts of French people born, married
#: or deceased abroad; its online request (service-public.fr resource R1405).
SCEC_URL = "https://pastel.diplomatie.gouv.fr/dali/index2.html"
SCEC_ADDRESS = "Service central d'état civil, 11 rue de la Maison Blanche, 44941 Nantes Cedex 9"
#: Years after the death of the person named in the act after which it is open to anyone.
PUBLIC_AFTER_DEATH_YEARS = 25
#: « Acte de naissance : copie intégrale », the reference page for residents.
BIRTH_PAGE_URL = "https://www.service-public.fr/particuliers/vosdroits/F1427"


class ActType(models.TextChoices):
    BIRTH = "birth", _("Birth")
    MARRIAGE = "marriage", _("Marriage")
    DEATH = "death", _("Death")


class DocumentType(models.TextChoices):
    FULL_COPY = "full_copy", _("Full copy")
    EXTRACT_WITH_PARENTAGE = "extract_with_parentage", _("Extract with parentage")
    EXTRACT_WITHOUT_PARENTAGE = "extract_without_parentage", _("Extract without parentage")
    MULTILINGUAL = "multilingual", _("Multilingual extract (for use abroad)")


class Relation(models.TextChoices):
    SELF = "self", _("I am the person named in the act")
    SPOUSE = "spouse", _("Spouse")
    PARTNER = "partner", _("PACS partner")
    ASCENDANT = "ascendant", _("Parent or grandparent (ascendant)")
    DESCENDANT = "descendant", _("Child or grandchild (descendant)")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative (guardian)")
    PROFESSIONAL = "professional", _("Notary or lawyer acting for a client")
    OTHER = "other", _("Another person (brother, sister, cousin, genealogist…)")


class Place(models.TextChoices):
    HERE = "here", _("In this commune")
    LAST_DOMICILE = (
        "last_domicile",
        _("The death took place elsewhere, but the deceased's last home was in this commune"),
    )
    ELSEWHERE = "elsewhere", _("In another French commune")
    ABROAD = "abroad", _("Abroad")


#: Documents that exist for each act: a death act has no extract (décret 2017-890, art. 32
#: covers births and marriages only).
DOCUMENTS_BY_ACT = {
    ActType.BIRTH: set(DocumentType.values),
    ActType.MARRIAGE: set(DocumentType.values),
    ActType.DEATH: {DocumentType.FULL_COPY, DocumentType.MULTILINGUAL},
}

#: Documents that show the parents, hence restricted (art. 30 and 31).
RESTRICTED_DOCUMENTS = {
    DocumentType.FULL_COPY,
    DocumentType.EXTRACT_WITH_PARENTAGE,
    DocumentType.MULTILINGUAL,
}

#: Who may obtain a restricted document of a birth or marriage act (art. 30 and 31).
ENTITLED_RELATIONS = {
    Relation.SELF,
    Relation.SPOUSE,
    Relation.PARTNER,
    Relation.ASCENDANT,
    Relation.DESCENDANT,
    Relation.LEGAL_REPRESENTATIVE,
    Relation.PROFESSIONAL,
}

#: Documents that need the parents' names to find the act and print it.
DOCUMENTS_NEEDING_PARENTS = {DocumentType.FULL_COPY, DocumentType.EXTRACT_WITH_PARENTAGE}


def document_exists(act_type: str, document: str) -> bool:
    return document in DOCUMENTS_BY_ACT.get(act_type, set())


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def is_public(
    event_date: datetime.date,
    today: datetime.date,
    death_date: datetime.date | None = None,
) -> bool:
    """Whether an act is open to anyone (L213-2): 75 years after its register closed on
    31 December of its year, or 25 years after the death of the person it names."""
    if today >= datetime.date(event_date.year + PUBLIC_AFTER_YEARS, 12, 31):
        return True
    return death_date is not None and today >= _years_after(death_date, PUBLIC_AFTER_DEATH_YEARS)


def is_minor(birth_date: datetime.date, today: datetime.date) -> bool:
    return today < _years_after(birth_date, MAJORITY_AGE)


def minor_needs_representative(
    act_type: str,
    document: str,
    relation: str,
    event_date: datetime.date | None,
    today: datetime.date,
    emancipated: bool = False,
) -> bool:
    """Whether the person named in a birth act asks for its full copy, extract with
    parentage or multilingual extract while a minor not emancipated: the law gives it to
    them only « si elle est majeure ou émancipée » (art. 30, 31), so their legal
    representative (a parent, a guardian) asks for it."""
    return (
        act_type == ActType.BIRTH
        and relation == Relation.SELF
        and document in RESTRICTED_DOCUMENTS
        and event_date is not None
        and not emancipated
        and is_minor(event_date, today)
    )


def is_entitled(
    act_type: str,
    document: str,
    relation: str,
    event_date: datetime.date | None,
    today: datetime.date,
    death_date: datetime.date | None = None,
    emancipated: bool = False,
) -> bool:
    """Whether someone of ``relation`` may obtain ``document`` of this act."""
    if act_type == ActType.DEATH or document not in RESTRICTED_DOCUMENTS:
        return True
    if minor_needs_representative(act_type, document, relation, event_date, today, emancipated):
        return False
    if event_date and is_public(event_date, today, death_date):
        return True
    return relation in ENTITLED_RELATIONS


def is_competent(place: str, act_type: str) -> bool:
    """Whether this commune keeps the act: it happened here, or (a death) it was transcribed
    here as the deceased's last home (Code civil, art. 80)."""
    if place == Place.HERE:
        return True
    return place == Place.LAST_DOMICILE and act_type == ActType.DEATH
