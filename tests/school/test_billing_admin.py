"""The back office of invoices: the billing run from the admin (idempotent, audited), the
commune's invoice list with statuses, the credit-note action, and the doors closed to
agents of other services and to other communes' invoices."""

import datetime
from decimal import Decimal

import pytest
from django.utils.translation import gettext as _

from ecommune.accounts.models import AuditEvent
from ecommune.payments import invoices as issuing
from ecommune.payments.models import Invoice, InvoiceKind
from tests.school.billing_setup import enrol, make_activities, make_family
from tests.services.helpers import agent_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def billed(commune):
    canteen, _evening = make_activities(commune)
    _user, household, (child,) = make_family(commune, qf=400)
    enrol(child, canteen, [0])
    return household


def test_an_agent_runs_the_billing_twice_and_gets_one_invoice(client, commune, billed):
    agent_client, agent = agent_client_for(client, commune, ["school"])
    form = agent_client.get("/admin/ecoles/factures/facturation/")
    assert form.status_code == 200
    done = agent_client.post(
        "/admin/ecoles/factures/facturation/", {"month": "2026-11", "issued_on": "2026-12-01"}
    )
    assert done.status_code == 302
    agent_client.post(
        "/admin/ecoles/factures/facturation/", {"month": "2026-11", "issued_on": "2026-12-01"}
    )
    assert Invoice.unscoped.filter(household=billed).count() == 1
    assert AuditEvent.objects.filter(action="school.billing_run", actor=agent.user).count() == 1
    listing = agent_client.get("/admin/ecoles/factures/").content.decode()
    assert "F2026-000001" in listing


def test_a_wrong_month_is_refused_next_to_the_field(client, commune, billed):
    agent_client, _agent = agent_client_for(client, commune, ["school"])
    page = agent_client.post("/admin/ecoles/factures/facturation/", {"month": "11/2026"})
    assert page.status_code == 200
    assert _("Give the month as YYYY-MM, such as 2026-11.") in page.content.decode()
    assert Invoice.unscoped.count() == 0


def test_an_agent_issues_a_credit_note_from_the_invoice(client, commune, billed):
    invoice = issuing.issue_invoice(
        billed,
        [issuing.LineDraft(label="Cantine", quantity=Decimal(5), unit_price=Decimal("0.90"))],
        issued_on=datetime.date(2026, 12, 1),
        send_notice=False,
    )
    agent_client, agent = agent_client_for(client, commune, ["school"])
    url = f"/admin/ecoles/factures/{invoice.number}/"
    assert agent_client.get(url).status_code == 200
    missing_reason = agent_client.post(url, {"reason": "", "amount": "1,80"})
    assert missing_reason.status_code == 200
    too_much = agent_client.post(url, {"reason": "Trop", "amount": "9,00"})
    assert too_much.status_code == 200 and "4.50" in too_much.content.decode()
    done = agent_client.post(url, {"reason": "Deux absences", "amount": "1,80"})
    assert done.status_code == 302
    note = Invoice.unscoped.get(kind=InvoiceKind.CREDIT_NOTE)
    assert note.total == Decimal("1.80") and note.corrects == invoice
    assert AuditEvent.objects.get(action="payments.credit_note_issued").actor == agent.user
    pdf = agent_client.get(f"/admin/ecoles/factures/{note.number}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_other_services_and_other_communes_stay_out(client, commune, other_commune, billed):
    invoice = issuing.issue_invoice(
        billed,
        [issuing.LineDraft(label="Cantine", quantity=Decimal(1), unit_price=Decimal("0.90"))],
        send_notice=False,
    )
    outsider, _agent = agent_client_for(client, commune, ["contact"])
    assert outsider.get("/admin/ecoles/factures/").status_code == 302
    assert (
        outsider.post(f"/admin/ecoles/factures/{invoice.number}/", {"reason": "x"}).status_code
        == 302
    )
    assert not Invoice.unscoped.filter(kind=InvoiceKind.CREDIT_NOTE).exists()


def test_an_agent_sets_the_siret_and_the_delays(client, commune):
    from ecommune.payments.models import InvoicingSettings

    agent_client, _agent = agent_client_for(client, commune, ["school"])
    url = "/admin/ecoles/factures/reglages/"
    assert agent_client.get(url).status_code == 200
    wrong = agent_client.post(url, {"siret": "123", "payment_days": 30, "reminder_days": 15})
    assert wrong.status_code == 200 and _("A SIRET has 14 digits.") in wrong.content.decode()
    saved = agent_client.post(
        url, {"siret": "214 401 093 00015", "payment_days": 20, "reminder_days": 7}
    )
    assert saved.status_code == 302
    settings = InvoicingSettings.unscoped.get(commune=commune)
    assert (settings.siret, settings.payment_days, settings.reminder_days) == (
        "21440109300015",
        20,
        7,
    )
