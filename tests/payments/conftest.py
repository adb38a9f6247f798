"""Fixtures of the payment tests: a commune's household with a signed-in guardian, its
invoices (made with the ORM: the issuing rules are tested with the invoices), and a local
server answering PayFiP's SOAP calls with recorded responses."""

import datetime
import itertools
import socket
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import eopayment
import pytest
from django.utils import timezone

from ecommune.families import households
from ecommune.payments.models import Invoice, PaymentAccount
from ecommune.testing.factories import UserFactory

_numbers = itertools.count(1)


def make_invoice(household, total, *, issued_on=datetime.date(2026, 10, 31), number=None):
    return Invoice.unscoped.create(
        commune=household.commune,
        household=household,
        number=number or f"F2026-{next(_numbers):05d}",
        issued_on=issued_on,
        due_on=issued_on + datetime.timedelta(days=30),
        total=Decimal(total),
        payer_name="Marie Lefebvre",
    )


@pytest.fixture
def parent(db, commune):
    return UserFactory(email="parent@example.org", first_name="Marie", last_name="Lefebvre")


@pytest.fixture
def household(parent, commune):
    return households.get_or_create_household(parent, commune)


@pytest.fixture
def parent_client(client, parent, household):
    client.force_login(parent)
    return client


@pytest.fixture
def account(commune):
    """The commune's payment account (``dummy``, eopayment's test backend)."""
    return PaymentAccount.for_site(commune.site)


def use_backend(commune, backend, options):
    account = PaymentAccount.for_site(commune.site)
    account.backend = backend
    account.options = options
    account.full_clean()
    account.save()
    return account


def closed_port() -> int:
    """A local port nothing listens on (the bank's service unreachable)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


ENVELOPE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>{}</S:Body>'
    "</S:Envelope>"
)
NS = (
    "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
    "contrat_paiement_securise/PaiementSecuriseService"
)


def idop_response(idop: str) -> str:
    return ENVELOPE.format(
        f'<ns2:creerPaiementSecuriseResponse xmlns:ns2="{NS}"><return><idOp>{idop}</idOp>'
        "</return></ns2:creerPaiementSecuriseResponse>"
    )


def detail_response(**fields) -> str:
    body = "".join(f"<{key}>{value}</{key}>" for key, value in fields.items())
    return ENVELOPE.format(
        f'<ns2:recupererDetailPaiementSecuriseResponse xmlns:ns2="{NS}"><return>{body}'
        "</return></ns2:recupererDetailPaiementSecuriseResponse>"
    )


def fault_response(code: str, label: str) -> str:
    return ENVELOPE.format(
        "<S:Fault><faultcode>S:Server</faultcode>"
        "<faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur"
        f'</faultstring><detail><ns2:FonctionnelleErreur xmlns:ns2="{NS}"><code>{code}</code>'
        f"<descriptif>{label}</descriptif><libelle>{label}</libelle><severite>2</severite>"
        "</ns2:FonctionnelleErreur></detail></S:Fault>"
    )


class RecordedPayFiP:
    """A local HTTP server that answers PayFiP's two operations with recorded responses
    (set ``.idop`` and ``.detail``) and keeps the requests it received."""

    def __init__(self):
        self.idop = "c5b39c0a-d0a0-11ef-9d1e-0242ac120002"
        self.detail = fault_response("P5", "Transaction en cours")
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                server.requests.append(body)
                if "creerPaiementSecurise" in body:
                    answer, status = idop_response(server.idop), 200
                else:
                    answer = server.detail
                    status = 500 if "<S:Fault>" in answer else 200
                data = answer.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/tpa/services/securite"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def payfip(settings, commune):
    """PayFiP (payfip_ws) for the commune, its web service answered by a local server."""
    server = RecordedPayFiP()
    settings.ECOMMUNE_PAYFIP_SERVICE_URL = server.url
    use_backend(commune, "payfip_ws", {"numcli": "123456", "saisie": "T"})
    yield server
    server.close()


# Banks' answers ---------------------------------------------------------------------------


def paid_detail(payment, resultrans="P"):
    now = timezone.localtime()
    return detail_response(
        dattrans=now.strftime("%d%m%Y"),
        exer=str(now.year),
        heurtrans=now.strftime("%H%M"),
        idOp=payment.transaction_id,
        mel="parent@example.org",
        montant=str(int(payment.total * 100)),
        numauto="123456" if resultrans == "P" else "",
        numcli="123456",
        refdet=payment.reference,
        resultrans=resultrans,
        saisie="T",
    )


FORM = "application/x-www-form-urlencoded"
SYSTEMPAY = {"secret_test": "1122334455667788", "vads_site_id": "12345678", "vads_ctx_mode": "TEST"}


def dummy_paid(payment, **fields) -> dict:
    """The dummy backend's signed « paid », stating the payment's amount and currency as the
    kit's test bank does."""
    return {
        "transaction_id": payment.transaction_id,
        "signed": "1",
        "ok": "1",
        "amount": str(payment.total),
        "currency": payment.currency,
        **fields,
    }


def notify(client, payment, fields):
    return client.post(f"/paiements/banque/{payment.token}/", urlencode(fields), content_type=FORM)


def systempay_answer(payment, *, result="00", tamper=False, cents=None, currency="978") -> dict:
    """What SystemPay posts back, signed with the commune's test key (``cents`` and
    ``currency``: the amount and ISO 4217 code the bank reports, the payment's by default)."""
    fields = {
        "vads_ctx_mode": "TEST",
        "vads_site_id": "12345678",
        "vads_amount": str(int(payment.total * 100) if cents is None else cents),
        "vads_currency": currency,
        "vads_auth_result": result,
        "vads_result": result,
        "vads_trans_id": "000123",
        "vads_trans_date": "20261129100000",
        "vads_ext_info_eopayment_trans_id": payment.transaction_id,
    }
    bank = eopayment.Payment("systempayv2", SYSTEMPAY)
    fields["signature"] = bank.backend.signature(fields)
    if tamper:
        fields["vads_amount"] = "1"  # the signature no longer matches
    return fields


@pytest.fixture
def systempay(commune):
    return use_backend(commune, "systempayv2", SYSTEMPAY)
