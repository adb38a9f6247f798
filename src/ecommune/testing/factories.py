"""factory-boy factories for the kit's models."""

import itertools

import factory
from django.contrib.auth import get_user_model

from ecommune.core.provisioning import CommuneData, setup_commune

_numbers = itertools.count(1)


def make_commune(name: str | None = None, domain: str | None = None, **fields):
    """A commune with its own Wagtail Site and home page (the real provisioning path)."""
    n = next(_numbers)
    data = CommuneData(
        name=name or f"Commune-Test-{n}",
        insee_code=fields.pop("insee_code", f"44{n % 1000:03d}"),
        postal_codes=fields.pop("postal_codes", "44000"),
        domain=domain or f"commune-{n}.test",
        **fields,
    )
    return setup_commune(data)


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


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "ecommune_school.School"

    name = factory.Sequence(lambda n: f"École Test {n}")
    street_address = "1 rue de l'École"
    postal_code = "44000"
    city = "Test"
    levels = factory.LazyFunction(lambda: ["CP", "CE1"])
