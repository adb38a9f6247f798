"""Factories for the kit's models: communes, residents, agents, households, counters,
schools (requests: ``ecommune.testing.filing``)."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from ecommune.core.provisioning import CommuneData, setup_commune

_numbers = itertools.count(1)


def make_commune(
    name: str | None = None, domain: str | None = None, *, portal_pages=None, **fields
):
    """A commune with its own Wagtail Site and home page (the real provisioning path);
    ``portal_pages=True`` adds the portal's pages (services, life events, legal pages),
    which test settings leave out unless asked (``ECOMMUNE_PORTAL_PAGES``)."""
    n = next(_numbers)
    data = CommuneData(
        name=name or f"Commune-Test-{n}",
        insee_code=fields.pop("insee_code", f"44{n % 1000:03d}"),
        postal_codes=fields.pop("postal_codes", "44000"),
        domain=domain or f"commune-{n}.test",
        **fields,
    )
    return setup_commune(data, portal_pages=portal_pages)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"habitant{n}@example.org")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    password = factory.django.Password("mot-de-passe-solide-42")


class AgentFactory(factory.django.DjangoModelFactory):
    """An agent of ``commune`` who can enter the back office."""

    class Meta:
        model = "ecommune_accounts.Agent"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, is_staff=True)
    commune = None
    services = factory.LazyAttribute(lambda agent: list(agent.commune.enabled_services))

    @factory.post_generation
    def admin_access(agent, create, extracted, **kwargs):
        from django.contrib.auth.models import Group, Permission

        if not create:
            return
        group, _ = Group.objects.get_or_create(name="Agents")
        group.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
        agent.user.groups.add(group)

    @factory.post_generation
    def permissions(agent, create, extracted, **kwargs):
        """``AgentFactory(permissions=AGENT_PERMISSIONS)``: more rights, ``app.codename``."""
        from ecommune.accounts.backoffice import permissions_named

        if create and extracted:
            agent.user.user_permissions.add(*permissions_named(extracted))


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "ecommune_school.School"

    name = factory.Sequence(lambda n: f"École Test {n}")
    street_address = "1 rue de l'École"
    postal_code = "44000"
    city = "Test"
    levels = factory.LazyFunction(lambda: ["CP", "CE1"])


def make_household(commune, guardian=None, children=()):
    """The household of ``guardian`` (a new resident by default) in ``commune``, through
    the kit's own ``get_or_create_household``, with ``children`` (dicts of ``Child``
    fields) added."""
    from ecommune.families.households import add_child, get_or_create_household

    household = get_or_create_household(guardian or UserFactory(), commune)
    for child in children:
        add_child(household, **child)
    return household


#: Weekday office hours: Monday to Friday 8:30–12:00 with two agents, 13:30–17:00 with one.
OFFICE_HOURS = (
    ((0, 1, 2, 3, 4), datetime.time(8, 30), datetime.time(12), 2),
    ((0, 1, 2, 3, 4), datetime.time(13, 30), datetime.time(17), 1),
)


def make_counter(commune, name=None, *, openings=OFFICE_HOURS, starting=None, **fields):
    """An appointments counter of ``commune`` open every week as ``openings`` say, each
    (weekdays with 0 = Monday, opens, closes, agents on duty), from ``starting`` (today)."""
    from ecommune.appointments.models import Counter

    counter = Counter.objects.for_commune(commune).create(
        name=name or f"Guichet {next(_numbers)}", **fields
    )
    for weekdays, opens, closes, agents in openings:
        counter.add_weekly_opening(list(weekdays), opens, closes, agents, starting=starting)
    return counter
