"""A commune's payment account: its eopayment backend and options, checked against
eopayment's description of the backend (PayFiP's numcli has 6 digits, saisie T/X/W)."""

import pytest
from django.core.exceptions import ValidationError

from ecommune.payments.backends import validate_options
from ecommune.payments.models import PaymentAccount

pytestmark = pytest.mark.django_db


def messages(backend, options):
    with pytest.raises(ValidationError) as error:
        validate_options(backend, options)
    return " ".join(error.value.messages)


def test_the_demo_default_is_the_dummy_backend(commune):
    assert PaymentAccount.for_site(commune.site).backend == "dummy"


def test_payfip_options_are_checked():
    validate_options("payfip_ws", {"numcli": "123456", "saisie": "W"})
    assert "numcli" in messages("payfip_ws", {"numcli": "12345"})
    assert "numcli" in messages("payfip_ws", {"numcli": 123456})
    assert "saisie" in messages("payfip_ws", {"numcli": "123456", "saisie": "P"})
    assert "numcli" in messages("payfip_ws", {})


def test_unknown_options_and_urls_are_refused():
    assert "colour" in messages("dummy", {"colour": "red"})
    assert "normal_return_url" in messages("dummy", {"normal_return_url": "http://x"})
    assert "secret_test" in messages("systempayv2", {"vads_site_id": "12345678"})


def test_the_model_refuses_bad_options_on_the_options_field(commune):
    account = PaymentAccount.for_site(commune.site)
    account.backend, account.options = "payfip_ws", {"numcli": "abc"}
    with pytest.raises(ValidationError) as error:
        account.full_clean()
    assert "options" in error.value.message_dict


def test_a_commune_administrator_edits_it_under_settings(admin_client, commune):
    from django.contrib.auth import get_user_model

    from ecommune.testing.otp import verify_session

    verify_session(admin_client, get_user_model().objects.get(is_superuser=True))
    url = f"/admin/settings/ecommune_payments/paymentaccount/{commune.site_id}/"
    page = admin_client.get(url)
    assert page.status_code == 200
    response = admin_client.post(
        url, {"backend": "payfip_ws", "options": '{"numcli": "12345", "saisie": "T"}'}
    )
    assert response.status_code == 200  # the form again, with the error
    assert PaymentAccount.for_site(commune.site).backend == "dummy"
    response = admin_client.post(
        url, {"backend": "payfip_ws", "options": '{"numcli": "123456", "saisie": "T"}'}
    )
    assert response.status_code == 302
    assert PaymentAccount.for_site(commune.site).options == {"numcli": "123456", "saisie": "T"}
