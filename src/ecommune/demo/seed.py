"""The demo commune: a fictional town with realistic French data.

``seed_demo`` is idempotent: it creates what is missing and leaves the rest,
so ``make demo`` can run again on the same database. Passwords are drawn once
and kept in the demo folder's ``credentials.json`` to be printed each time.
"""

import datetime
import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone, translation

from ecommune.core import tenancy
from ecommune.core.models import Commune, OpeningPeriod
from ecommune.core.provisioning import CommuneData, remove_wagtail_welcome_page, setup_commune

DEMO_COMMUNE = CommuneData(
    name="Saint-Ébrard-sur-Loire",
    insee_code="44999",
    postal_codes="44990",
    domain="saint-ebrard.localhost",
    contact_email="mairie@saint-ebrard.example.org",
    contact_phone="02 40 99 12 34",
    street_address="1 place de la Mairie",
    address_postal_code="44990",
    address_city="Saint-Ébrard-sur-Loire",
    main_colour="#1f4e8c",
)
RESIDENT_EMAIL = "marie.lefebvre@example.org"
AGENT_EMAIL = "agent.accueil@saint-ebrard.example.org"
AGENTS_GROUP = "Agents"

TOWN_HALL_HOURS = (
    [(day, datetime.time(8, 30), datetime.time(12, 0)) for day in range(5)]
    + [(day, datetime.time(13, 30), datetime.time(17, 0)) for day in range(5)]
    + [(5, datetime.time(9, 0), datetime.time(12, 0))]
)


@transaction.atomic
def seed_demo(credentials_path: Path | None = None, data: CommuneData = DEMO_COMMUNE) -> dict:
    """Create the demo commune and its accounts; returns the credentials to print."""
    remove_wagtail_welcome_page()
    commune = setup_commune(data, default_site=True, portal_pages=True)
    with tenancy.using(commune):
        _opening_hours(commune)
        _news(commune)
        _portal(commune)
        _counters(commune)
        _schools(commune)
        _elections(commune)
    credentials = read_credentials(credentials_path)
    _account(RESIDENT_EMAIL, "Marie", "Lefebvre", credentials, "resident", phone="06 12 34 56 78")
    agent_user = _account(AGENT_EMAIL, "Julien", "Moreau", credentials, "agent")
    _make_agent(agent_user, commune)
    resident = get_user_model().objects.get(email=RESIDENT_EMAIL)
    with tenancy.using(commune):
        _resident_space(commune, resident, agent_user)
        _procedures(commune, agent_user)
    if credentials_path is not None:
        credentials_path.write_text(json.dumps(credentials, indent=2), encoding="utf-8")
        credentials_path.chmod(0o600)
    return credentials


def _procedures(commune: Commune, agent_user) -> None:
    """« Réservation d'une salle municipale », made with the designer's models from the
    kit's template (not code) and published; the demo agent may design procedures and
    handles this one through the agents' group."""
    from ecommune.accounts.backoffice import permissions_named
    from ecommune.procedures import library
    from ecommune.procedures.models import Procedure
    from ecommune.procedures.publishing import publish_procedure

    group = Group.objects.get(name=f"{AGENTS_GROUP} — {commune.name}")
    group.permissions.add(*permissions_named(DESIGNER_PERMISSIONS))
    if Procedure.objects.filter(template="reservation-salle").exists():
        return
    procedure = library.copy("reservation-salle")
    procedure.agents_group = group
    procedure.save()
    publish_procedure(procedure, agent_user)


#: What designing procedures takes (``ecommune.procedures``), given to the demo's agents.
DESIGNER_PERMISSIONS = tuple(
    f"ecommune_procedures.{action}_procedure" for action in ("add", "change", "delete", "view")
)


def _opening_hours(commune: Commune) -> None:
    if commune.opening_hours.exists():
        return
    OpeningPeriod.objects.bulk_create(
        OpeningPeriod(commune=commune, weekday=day, opens_at=opens, closes_at=closes)
        for day, opens, closes in TOWN_HALL_HOURS
    )


def _news(commune: Commune) -> None:
    from ecommune.cms.models import NewsIndexPage, NewsPage

    home = commune.site.root_page.specific
    index = NewsIndexPage.objects.child_of(home).first()
    if index is None:
        index = NewsIndexPage(
            title="Actualités", slug="actualites", intro="La vie de la commune et de la mairie."
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    if not NewsPage.objects.child_of(index).exists():
        item = NewsPage(
            title="Inscriptions scolaires pour la rentrée : c'est ouvert",
            slug="inscriptions-scolaires-rentree",
            date=timezone.localdate(),
            summary="Les familles peuvent inscrire leurs enfants à l'école et à la cantine "
            "en ligne.",
            body="<p>Les inscriptions pour la prochaine rentrée sont ouvertes jusqu'au 30 avril. "
            "Munissez-vous d'un justificatif de domicile de moins de trois mois.</p>",
        )
        index.add_child(instance=item)
        item.save_revision().publish()
    _events(index)


def _events(index) -> None:
    """An upcoming event, so the news index and the event page have one to show."""
    from ecommune.cms.models import EventPage

    if EventPage.objects.child_of(index).exists():
        return
    day = timezone.localdate() + datetime.timedelta(days=12)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 0)))
    event = EventPage(
        title="Fête de la Loire",
        slug="fete-de-la-loire",
        start=start,
        end=start + datetime.timedelta(hours=5),
        place="Quai des Mariniers, Saint-Ébrard-sur-Loire",
        summary="Balades en bateau, marché des producteurs et concert en plein air.",
        body="<p>La commune et les associations vous invitent au bord du fleuve. Entrée libre, "
        "parking place de la Mairie.</p>",
    )
    index.add_child(instance=event)
    event.save_revision().publish()


def _portal(commune: Commune) -> None:
    """The portal's demo content: a real service-public.fr fiche and its theme, an audited
    accessibility statement."""
    from ecommune.cms.models import AccessibilityPage, LegalNoticePage
    from ecommune.servicepublic.importer import SAMPLE_DIR, import_publications

    import_publications(SAMPLE_DIR, unpublish_missing=False)
    home = commune.site.root_page
    AccessibilityPage.objects.child_of(home).filter(audit_date__isnull=True).update(
        conformity="partial",
        compliance_rate=82,
        audit_date=datetime.date(2026, 3, 12),
        audit_by="Cabinet Accessibilis (fictif)",
    )
    LegalNoticePage.objects.child_of(home).filter(host_name__startswith="Mairie").update(
        host_name="Hébergeur Exemple SAS (fictif)",
        host_address="10 rue des Serveurs, 44000 Nantes",
        host_phone="02 40 00 00 00",
    )


def _counters(commune: Commune) -> None:
    from ecommune.appointments.models import Counter, Desk

    counters = [
        ("Accueil État civil", "Rez-de-chaussée, bureau 1", 2),
        ("Passeports et cartes d'identité", "Rez-de-chaussée, bureau 3", 1),
    ]
    for name, location, agents in counters:
        counter, created = Counter.objects.get_or_create(
            commune=commune, name=name, defaults={"location": location}
        )
        if created:
            counter.add_weekly_opening(
                [0, 1, 2, 3, 4], datetime.time(8, 30), datetime.time(12, 0), agents
            )
            counter.add_weekly_opening(
                [0, 1, 2, 3, 4], datetime.time(13, 30), datetime.time(17, 0), agents
            )
            counter.add_weekly_opening([5], datetime.time(9, 0), datetime.time(12, 0), 1)
        Desk.objects.get_or_create(commune=commune, counter=counter, name="Poste 1")
    _motives(commune)


def _motives(commune: Commune) -> None:
    from ecommune.appointments.models import Counter, Motive

    papers = Counter.objects.get(commune=commune, name="Passeports et cartes d'identité")
    civil = Counter.objects.get(commune=commune, name="Accueil État civil")
    motives = [
        (
            "Dépôt de demande de passeport",
            "passeport",
            30,
            4,
            True,
            papers,
            "Le numéro de pré-demande ANTS de chaque personne, une photo d'identité de moins "
            "de six mois, un justificatif de domicile, l'ancien passeport s'il y en a un.",
        ),
        (
            "Dépôt de demande de carte d'identité",
            "carte-identite",
            30,
            4,
            True,
            papers,
            "Le numéro de pré-demande ANTS de chaque personne, une photo d'identité de moins "
            "de six mois, un justificatif de domicile.",
        ),
        (
            "Retrait de passeport ou de carte d'identité",
            "retrait-titre",
            15,
            4,
            False,
            papers,
            "Le récépissé de dépôt et l'ancien titre.",
        ),
        (
            "Déclaration de naissance ou reconnaissance",
            "etat-civil",
            30,
            2,
            False,
            civil,
            "Les pièces d'identité des parents et le livret de famille s'il y en a un.",
        ),
    ]
    # The title each motive files, for the national search (rendezvouspasseport.ants.gouv.fr).
    reasons = {"passeport": "PASSPORT", "carte-identite": "CNI"}
    for name, slug, minutes, people, ants, counter, instructions in motives:
        motive, created = Motive.objects.get_or_create(
            commune=commune,
            slug=slug,
            defaults={
                "name": name,
                "duration_minutes": minutes,
                "max_people": people,
                "requires_ants_number": ants,
                "ants_reason": reasons.get(slug, ""),
                "instructions": instructions,
            },
        )
        if created:
            motive.counters.add(counter)
    _life_event_motives(commune)


def _life_event_motives(commune: Commune) -> None:
    """The appointments each life event of the demo calls for."""
    from ecommune.appointments.models import Motive
    from ecommune.cms.models import LifeEventPage

    wanted = {
        "I am having a child": ["etat-civil"],
        "I need an identity card or a passport": ["passeport", "carte-identite", "retrait-titre"],
    }
    events = LifeEventPage.objects.descendant_of(commune.site.root_page)
    for title, slugs in wanted.items():
        with translation.override(settings.LANGUAGE_CODE):
            title = translation.gettext(title)
        for event in events.filter(title=title):
            if not event.motives.exists():
                event.motives.set(Motive.objects.filter(commune=commune, slug__in=slugs))
                event.save_revision().publish()


#: The next presidential election (first round in April 2027, as announced); once its
#: registration deadline has passed, a local referendum about four months ahead instead.
DEMO_ELECTION = ("élections présidentielles de 2027", "presidential", datetime.date(2027, 4, 11))


def _elections(commune: Commune) -> None:
    """An election ahead, so the electoral-roll page shows its registration deadline."""
    from ecommune.services.elections.models import Election

    today = timezone.localdate()
    if any(e.registration_deadline >= today for e in Election.objects.upcoming(today)):
        return
    name, kind, first_round = DEMO_ELECTION
    if Election(first_round=first_round).registration_deadline < today:
        first_round = today + datetime.timedelta(days=120)
        first_round += datetime.timedelta(days=6 - first_round.weekday())  # a Sunday
        name, kind = "élections municipales partielles", "municipal"
    Election.objects.create(
        commune=commune,
        name=name,
        kind=kind,
        first_round=first_round,
        second_round=first_round + datetime.timedelta(days=14) if kind == "presidential" else None,
    )


def _schools(commune: Commune) -> None:
    from ecommune.services.school.models import ELEMENTARY_LEVELS, NURSERY_LEVELS, School

    schools = [
        ("École maternelle Les Tilleuls", "4 rue des Tilleuls", "0449901A", NURSERY_LEVELS),
        ("École élémentaire Jules-Ferry", "12 avenue Jules-Ferry", "0449902B", ELEMENTARY_LEVELS),
    ]
    for name, street, uai, levels in schools:
        School.objects.get_or_create(
            commune=commune,
            name=name,
            defaults={
                "street_address": street,
                "postal_code": commune.postal_code_list[0],
                "city": commune.name,
                "uai": uai,
                "levels": [str(level) for level in levels],
            },
        )
    _school_map(commune)
    _activities(commune)


# Activities and their grid for the next school year: (name, kind, days, bands), a band being
# (QF from, QF to or None, price) and None for the price without a quotient familial.
DEMO_ACTIVITIES = [
    (
        "Restauration scolaire",
        "canteen",
        [0, 1, 3, 4],
        [(0, 450, "0.90"), (451, 900, "2.50"), (901, None, "4.20"), None],
    ),
    (
        "Accueil du soir",
        "evening",
        [0, 1, 3, 4],
        [(0, 450, "0.80"), (451, 900, "1.60"), (901, None, "2.40"), None],
    ),
]


def _activities(commune: Commune) -> None:
    """The grid of the current and the next school year (the simulator covers both)."""
    from decimal import Decimal

    from django.utils import timezone

    from ecommune.services.school.enrolment_forms import next_school_year
    from ecommune.services.school.models import Activity, PriceBand
    from ecommune.services.school.simulator import school_year_of

    today = timezone.localdate()
    years = {school_year_of(today.year, today.month), next_school_year(today)}
    for name, kind, days, bands in DEMO_ACTIVITIES:
        activity, _created = Activity.objects.get_or_create(
            commune=commune, name=name, defaults={"kind": kind, "weekdays": days}
        )
        top = max(Decimal(band[2]) for band in bands if band is not None)
        for year in sorted(years):
            if PriceBand.objects.filter(activity=activity, school_year=year).exists():
                continue
            for band in bands:
                low, high, price = band if band is not None else (0, None, top)
                PriceBand.objects.create(
                    commune=commune,
                    activity=activity,
                    school_year=year,
                    qf_min=low,
                    qf_max=high,
                    is_default=band is None,
                    price=Decimal(price),
                )


# The demo's school map: every street has the nursery and the elementary school.
DEMO_SCHOOL_MAP = "\n".join(
    f"{street};;;;{school}"
    for street in (
        "rue des Tilleuls",
        "avenue Jules-Ferry",
        "rue de la Loire",
        "place de la Mairie",
    )
    for school in ("0449901A", "0449902B")
)


def _school_map(commune: Commune) -> None:
    from ecommune.services.school.models import StreetSegment
    from ecommune.services.school.sectorisation import import_street_map

    if not StreetSegment.objects.exists():
        import_street_map(commune, DEMO_SCHOOL_MAP)


DEMO_CHILD = {"first_name": "Lucas", "last_name": "Lefebvre", "birth_date": (2019, 4, 12)}


def _resident_space(commune: Commune, user, agent) -> None:
    """Marie Lefebvre's « Mon espace » shows something in every part: her household (an
    address, a child) with an issued invoice to pay, an appointment coming, a request
    waiting for a missing piece and a closed one whose survey is still to answer. Each is
    made the kit's way (``issue_invoice``, ``book``, ``file_request``, ``change_status``),
    once: seeding again leaves them."""
    from decimal import Decimal

    from ecommune.families.households import add_child, get_or_create_household
    from ecommune.notifications.models import OutboxMessage
    from ecommune.payments.invoices import LineDraft, issue_invoice

    household = get_or_create_household(user, commune)
    if not user.street_address:
        # Her address, kept once in her account: the family's and every form's (an update,
        # not a save: the address is not new, no registration is offered).
        type(user).objects.filter(pk=user.pk).update(
            street_address="12 rue des Tilleuls",
            postal_code=commune.postal_code_list[0],
            city=commune.name,
        )
        user.refresh_from_db(fields=["street_address", "postal_code", "city"])
    if not household.children.exists():
        year, month, day = DEMO_CHILD["birth_date"]
        add_child(
            household,
            first_name=DEMO_CHILD["first_name"],
            last_name=DEMO_CHILD["last_name"],
            birth_date=datetime.date(year, month, day),
        )
    today = timezone.localdate()
    issue_invoice(
        household,
        [
            LineDraft(
                "Restauration scolaire — repas du mois",
                Decimal(12),
                Decimal("2.80"),
                child_name="Lucas Lefebvre",
            )
        ],
        issued_on=today,
        billing_key="demo:resident-invoice",
        send_notice=False,
    )
    started = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _resident_appointment(commune, user)
    _resident_requests(commune, user, agent)
    # The booking's confirmation, the acknowledgments, the request's news and the survey's
    # invitation were queued the kit's way; the demo's history is made up, so nobody is
    # emailed for it (their sending tasks find no row and stop).
    OutboxMessage.objects.filter(pk__gt=started, recipient=user.email).delete()


def _resident_appointment(commune: Commune, user) -> None:
    from ecommune.appointments.models import Booking, BookingStatus, Motive
    from ecommune.appointments.services import book
    from ecommune.appointments.slots import next_free_slot

    now = timezone.now()
    if Booking.objects.filter(user=user, status=BookingStatus.BOOKED, start__gt=now).exists():
        return
    motives = Motive.objects.filter(slug="retrait-titre").prefetch_related("counters")
    today = timezone.localdate()
    found = next_free_slot(
        motives,
        today + datetime.timedelta(days=2),
        today + datetime.timedelta(days=30),
        now=now,
    )
    if found is None:
        return
    slot, motive = found
    book(
        motive=motive,
        counter_id=slot.counter.pk,
        start=slot.start,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        phone=user.phone,
        user=user,
    )


DEMO_REQUESTS = (
    (
        "roads",
        "Trottoir abîmé rue des Tilleuls",
        "Une dalle du trottoir est soulevée devant le numéro 14, on risque d'y tomber.",
        "waiting_resident",
        "Pouvez-vous joindre une photo de l'endroit, pour que l'équipe technique "
        "apporte le bon matériel ?",
        ("proof_of_address", "justificatif-domicile.pdf"),
    ),
    (
        "other",
        "Ramassage des encombrants",
        "Quand passe le prochain ramassage des encombrants dans mon quartier ?",
        "done",
        "Le prochain ramassage a lieu le premier mardi du mois ; inscrivez-vous la "
        "veille avant midi auprès de l'accueil.",
        ("identity", "carte-identite.pdf"),
    ),
)


def _resident_requests(commune: Commune, user, agent) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ecommune.core.registry import registry
    from ecommune.requests.filing import Documents, Upload, file_request
    from ecommune.requests.models import Request
    from ecommune.requests.services import Applicant, change_status

    if "contact" not in commune.enabled_services or Request.objects.filter(applicant=user).exists():
        return
    applicant = Applicant(user.first_name, user.last_name, user.email, phone=user.phone, user=user)
    for topic, subject, message, status, comment, (kind, name) in DEMO_REQUESTS:
        upload = SimpleUploadedFile(name, demo_pdf(name), content_type="application/pdf")
        filed, _created = file_request(
            commune=commune,
            service=registry.get("contact"),
            applicant=applicant,
            data={"message": {"topic": topic, "subject": subject, "message": message}},
            documents=Documents(uploads=[Upload(kind, upload)]),
        )
        change_status(filed, status, actor=agent, comment=comment)


def demo_pdf(title: str) -> bytes:
    """A one-page PDF that says it is a demo document (the demo's resident « gave » it)."""
    text = f"Document de démonstration : {title}".encode("latin-1", "replace")
    stream = b"BT /F1 14 Tf 56 780 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def read_credentials(path: Path | None) -> dict:
    """The passwords kept in ``path`` ({role: {email, password}}), none when it does not
    exist yet; ValueError, with the reason, when it is no such file (a folder, another
    file given by mistake): the command checks it before seeding anything."""
    if path is None or not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"{path} is not a credentials file of the demo: {error}") from None
    if not isinstance(data, dict) or not all(
        isinstance(account, dict) and {"email", "password"} <= set(account)
        for account in data.values()
    ):
        raise ValueError(f"{path} is not a credentials file of the demo.")
    return data


def _account(email, first_name, last_name, credentials, role, phone=""):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None or role not in credentials:
        password = secrets.token_urlsafe(12)
        credentials[role] = {"email": email, "password": password}
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=password,
                first_name=first_name,
                last_name=last_name,
                phone=phone,
            )
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
    return user


def _make_agent(user, commune: Commune) -> None:
    """The demo agent runs the commune's pages and settings, and no other commune's."""
    from wagtail.models import GroupPagePermission, GroupSitePermission

    from ecommune.accounts.backoffice import grant_agent_permissions
    from ecommune.accounts.models import Agent

    group, _ = Group.objects.get_or_create(name=f"{AGENTS_GROUP} — {commune.name}")
    grant_agent_permissions(group)
    for action in ("add", "change", "publish"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=commune.site.root_page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=f"{action}_page"
            ),
        )
    GroupSitePermission.objects.get_or_create(
        group=group,
        site=commune.site,
        permission=Permission.objects.get(
            content_type__app_label="ecommune_core", codename="change_commune"
        ),
    )
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    Agent.objects.update_or_create(
        user=user, defaults={"commune": commune, "services": list(commune.enabled_services)}
    )
