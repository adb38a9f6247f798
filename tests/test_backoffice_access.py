"""Every back-office URL pattern the kit adds keeps to its declared access and its commune.

The patterns are found, not listed: the kit's ``register_admin_urls`` hooks and its
viewsets. For each one:

- it declares its access in one place (``BackOfficeMixin``, ``@back_office``,
  ``CommuneModelViewSet``, ``BackOfficeViewSet``), or is named below with the reason;
- an anonymous visitor is sent to the sign-in page;
- a signed-in user the access does not let in gets 403 or 404: a page editor of the
  commune (no agent), an agent without services nor permissions;
- an agent of commune A, with every service and permission, given commune B's ids
  (every key, reference and number of a row of every commune-owned model of B) gets
  403 or 404, with A's host name or B's; and after every GET and POST made that way,
  commune B's rows are exactly as they were.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, reverse
from wagtail import hooks
from wagtail.admin.viewsets import viewsets
from wagtail.models import GroupSitePermission

from ecommune.accounts.backoffice import (
    AGENT_PERMISSIONS,
    Access,
    BackOfficeMixin,
    BackOfficeViewSet,
    CommuneModelViewSet,
)
from ecommune.core import tenancy
from ecommune.core.registry import registry
from ecommune.testing.factories import AgentFactory, UserFactory
from ecommune.testing.otp import login_agent
from ecommune.testing.rows import commune_owned_models, rows_for

pytestmark = [pytest.mark.django_db, pytest.mark.outside_commune]

HOST_A = {"HTTP_HOST": "commune-a.test"}
HOST_B = {"HTTP_HOST": "commune-b.test"}

#: Kit back-office pages whose access is not an agent's, with the reason.
OTHER_ACCESS = {
    "ecommune_otp_setup": "the second factor's own set-up, for any back-office user",
    "ecommune_otp_verify": "the second factor's own check, for any back-office user",
    "ecommune_services": "commune administrators: Wagtail's site permission on Commune",
    "ecommune_audit:index": "the audit trail: its read-only policy, by group permission",
    "ecommune_audit:index_results": "the audit trail: its read-only policy",
    "ecommune_audit:inspect": "the audit trail: its read-only policy",
}

CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def _flatten(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _flatten(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}", entry.callback, None


def kit_admin_patterns():
    """(route under /admin/, URL name, view, viewset) of every page the kit adds there."""
    reverse("wagtailadmin_home")  # loads the admin URLconf, hence the viewsets
    found = []
    for hook in hooks.get_hooks("register_admin_urls"):
        if hook.__module__.startswith("ecommune."):
            found += list(_flatten(hook()))
    for viewset in viewsets.viewsets:
        if type(viewset).__module__.startswith("ecommune."):
            prefix = f"{viewset.url_prefix}/"
            for route, name, view, _none in _flatten(viewset.get_urlpatterns()):
                found.append((prefix + route, f"{viewset.url_namespace}:{name}", view, viewset))
    return found


def declared_access(name, view, viewset):
    if viewset is not None:
        declared = isinstance(viewset, CommuneModelViewSet | BackOfficeViewSet)
        return viewset.access if declared else None
    if isinstance(getattr(view, "access", None), Access):
        return view.access
    view_class = getattr(view, "view_class", None)
    if view_class is not None and issubclass(view_class, BackOfficeMixin):
        access = view_class.access
        return access.fget(view_class) if isinstance(access, property) else access
    return None


def test_every_kit_admin_page_declares_its_access():
    patterns = kit_admin_patterns()
    undeclared = [
        name
        for _route, name, view, viewset in patterns
        if name not in OTHER_ACCESS and declared_access(name, view, viewset) is None
    ]
    assert undeclared == []
    assert len(patterns) >= 60


def _url(route, values):
    def fill(match):
        kind = match.group("kind") or "str"
        value = values.get(match.group("name")) or values.get(kind)
        return str(value)

    return "/admin/" + CONVERTER.sub(fill, route)


def _candidates(theirs, mine):
    """Commune B's keys, references and numbers that no row of commune A carries."""
    ints, strs = set(), set()
    taken_ints, taken_strs = set(), set()
    for rows, numbers, texts in ((theirs, ints, strs), (mine, taken_ints, taken_strs)):
        for row in rows.values():
            numbers.add(row.pk)
            texts.add(str(row.pk))
            for field in ("reference", "number", "slug", "token", "feed_token"):
                value = getattr(row, field, None)
                if value:
                    texts.add(str(value))
    return sorted(ints - taken_ints), sorted(strs - taken_strs)


def _pks_of_commune(commune):
    """Every key of a row of ``commune`` in any model that names its commune (the audit
    events of the agent's own sign-in included): reaching them is allowed, so they are no
    probe of another commune's rows."""
    from django.apps import apps

    from ecommune.core.models import Commune

    pks = set()
    for model in apps.get_models():
        field = next(
            (
                field
                for field in model._meta.concrete_fields
                if field.is_relation and field.related_model is Commune
            ),
            None,
        )
        if field is None:
            continue
        manager = getattr(model, "unscoped", model._default_manager)
        pks.update(manager.filter(**{field.name: commune}).values_list("pk", flat=True))
    return pks


def _snapshot(commune):
    with tenancy.using(commune):
        return {
            model._meta.label: list(model.objects.order_by("pk").values())
            for model in commune_owned_models()
        }


@pytest.fixture
def two_communes(commune, other_commune):
    for each in (commune, other_commune):
        each.enabled_services = (
            list(registry.slugs())
            if hasattr(registry, "slugs")
            else [service.slug for service in registry]
        )
        each.save()
    mine, theirs = rows_for(commune), rows_for(other_commune)
    return commune, other_commune, mine, theirs


def test_anonymous_visitors_are_sent_to_sign_in(client, two_communes):
    for route, name, _view, _viewset in kit_admin_patterns():
        page = client.get(_url(route, {"int": 1, "str": "x", "uuid": "x"}), **HOST_A)
        assert page.status_code == 302, name
        assert "/login/" in page["Location"] or "connexion" in page["Location"], name


def _refused(page) -> bool:
    return page.status_code in (403, 404) or (
        page.status_code == 302 and page["Location"].rstrip("/") + "/" == "/admin/"
    )


def test_users_the_access_does_not_let_in_are_refused(client, two_communes):
    commune, _other, mine, _theirs = two_communes
    editor = UserFactory(is_staff=True)
    group = Group.objects.create(name="Éditeurs A")
    from ecommune.accounts.backoffice import grant_agent_permissions

    grant_agent_permissions(group)  # every permission an agent gets, but no Agent row
    GroupSitePermission.objects.create(
        group=group, site=commune.site, permission_id=_change_commune_permission()
    )
    editor.groups.add(group)
    bare = AgentFactory(commune=commune, services=[])
    bare.user.groups.clear()
    from django.contrib.auth.models import Permission

    bare.user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    values = {"int": next(iter(mine.values())).pk, "str": "x", "uuid": "x"}
    checked = 0
    for user in (editor, bare.user):
        client.logout()
        login_agent(client, user)
        for route, name, view, viewset in kit_admin_patterns():
            access = declared_access(name, view, viewset)
            if name in OTHER_ACCESS or access.allows(user):
                continue
            for method in (client.get, client.post):
                page = method(_url(route, values), **HOST_A)
                assert _refused(page), (user.email, name, page.status_code)
                checked += 1
    assert checked >= 100


def _change_commune_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.get(
        content_type__app_label="ecommune_core", codename="change_commune"
    ).pk


def _agent_with_every_right(commune):
    from django.contrib.auth.models import Permission

    agent = AgentFactory(commune=commune, permissions=AGENT_PERMISSIONS)
    agent.user.user_permissions.add(*Permission.objects.all())
    return agent


@pytest.mark.walk
def test_an_agent_never_reaches_another_communes_rows(client, two_communes):
    commune, other, mine, theirs = two_communes
    agent = _agent_with_every_right(commune)
    login_agent(client, agent.user)
    ints, strs = _candidates(theirs, mine)
    own = _pks_of_commune(commune)
    ints = [value for value in ints if value not in own]
    assert ints and strs
    before = _snapshot(other)
    checked = 0
    for route, name, _view, _viewset in kit_admin_patterns():
        kinds = {match.group("kind") or "str" for match in CONVERTER.finditer(route)}
        if not kinds:
            continue
        values_list = [{"int": value} for value in ints] if "int" in kinds else []
        values_list += [{"str": value} for value in strs] if kinds - {"int"} else []
        for values in values_list:
            values = {"int": ints[0], "str": strs[0], **values}
            url = _url(route, values)
            for host in (HOST_A, HOST_B):
                page = client.get(url, **host)
                assert page.status_code in (403, 404), (name, url, page.status_code)
                client.post(url, _hostile_post(theirs), **host)
                checked += 1
    assert _snapshot(other) == before
    assert checked >= 200


def _hostile_post(theirs):
    """Plausible form data naming commune B's rows, for every form the back office has."""
    by_name = {model.__name__.lower(): row for model, row in theirs.items()}
    return {
        "status": "no_show",
        "action": "next",
        "desk": by_name["desk"].pk,
        "counter": by_name["counter"].pk,
        "motif": by_name["motive"].slug,
        "activity": by_name["activity"].pk,
        "school": by_name["school"].pk,
        "decision": "accept",
        "reason": "probe",
        "amount": "1,00",
        "text": "probe",
    }


def test_post_with_commune_b_ids_on_every_page_changes_nothing_of_b(client, two_communes):
    commune, other, mine, theirs = two_communes
    agent = _agent_with_every_right(commune)
    login_agent(client, agent.user)
    before = _snapshot(other)
    for route, _name, _view, _viewset in kit_admin_patterns():
        for host in (HOST_A, HOST_B):
            client.post(
                _url(route, {"int": theirs[commune_owned_models()[0]].pk, "str": "x"}),
                _hostile_post(theirs),
                **host,
            )
    assert _snapshot(other) == before
