"""A minor asking for their own birth act: the law gives its full copy, its extract with
parentage and its multilingual extract to the person named in it only « si elle est
majeure ou émancipée » (décret n° 2017-890, art. 30 and 31); their legal representative
asks instead. The extract without parentage stays open to anyone.

Messages are compared with their gettext translation: French once the catalogue has them."""

import datetime

import pytest
import time_machine
from django.utils.translation import gettext as _

from ecommune.requests.models import EventKind, Request
from ecommune.services.civil_status import rules
from ecommune.services.civil_status.rules import ActType, DocumentType, Relation
from tests.services.helpers import post_step
from tests.services.test_civil_status import DELIVERY, act_step, civil  # noqa: F401

TODAY = datetime.date(2026, 11, 20)
NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)
BORN_2010 = datetime.date(2010, 3, 1)  # 16 on TODAY
MINOR_REFUSAL = (
    "You are under 18: the law gives the person named in a birth act its full copy, its "
    "extract with parentage or its multilingual extract only once they are of age or "
    "emancipated (décret n° 2017-890, art. 30 and 31). Your parent or legal guardian may ask "
    "for it for you; you may ask for an extract without parentage yourself."
)


@pytest.mark.parametrize("document", sorted(rules.RESTRICTED_DOCUMENTS))
def test_a_minor_is_refused_the_documents_showing_the_parents_of_their_own_birth(document):
    assert not rules.is_entitled(ActType.BIRTH, document, Relation.SELF, BORN_2010, TODAY)
    # Their parent or guardian asks for it; an emancipated minor may ask themself.
    for relation in (Relation.ASCENDANT, Relation.LEGAL_REPRESENTATIVE):
        assert rules.is_entitled(ActType.BIRTH, document, relation, BORN_2010, TODAY)
    assert rules.is_entitled(
        ActType.BIRTH, document, Relation.SELF, BORN_2010, TODAY, emancipated=True
    )


def test_the_person_is_of_age_on_their_18th_birthday():
    born = datetime.date(2008, 11, 20)
    assert rules.is_minor(born, datetime.date(2026, 11, 19))
    assert not rules.is_minor(born, TODAY)
    assert rules.is_entitled(ActType.BIRTH, DocumentType.FULL_COPY, Relation.SELF, born, TODAY)
    assert rules.is_entitled(
        ActType.BIRTH, DocumentType.EXTRACT_WITHOUT_PARENTAGE, Relation.SELF, BORN_2010, TODAY
    )


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_wizard_refuses_a_minor_with_the_reason_next_to_the_relation(client, civil):  # noqa: F811
    response = act_step(client, event_date="2010-03-01")
    assert response.status_code == 200
    assert response.context["form"].errors["relation"] == [_(MINOR_REFUSAL)]
    assert 'value="Martin"' in response.content.decode()  # nothing lost of the rest
    assert act_step(client, event_date="2010-03-01", relation="ascendant").status_code == 302
    assert (
        act_step(client, event_date="2010-03-01", document="extract_without_parentage").status_code
        == 302
    )


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_an_emancipated_minor_files_and_the_agent_is_asked_to_check(client, civil):  # noqa: F811
    assert act_step(client, event_date="2010-03-01", emancipated="on").status_code == 302
    assert post_step(client, "civil_status", "delivery", DELIVERY).status_code == 302
    done = post_step(client, "civil_status", "confirm", {"certify": "on"})
    client.get(done["Location"])
    filed = Request.unscoped.get(service="civil_status")
    note = filed.events.get(kind=EventKind.NOTE)
    assert note.text == _("The applicant declares being an emancipated minor: check it.")
    assert not note.visible_to_resident
