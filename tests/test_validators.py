import pytest
from django.core.exceptions import ValidationError

from ecommune.core import phones, validators


@pytest.mark.parametrize("code", ["75056", "44109", "2A004", "2B033", "97411", "01001", "98818"])
def test_real_insee_codes_are_accepted(code):
    validators.validate_insee_code(code)


@pytest.mark.parametrize("code", ["123", "750560", "20123", "2C123", "00001", "96001", "abcde", ""])
def test_malformed_insee_codes_are_refused(code):
    with pytest.raises(ValidationError):
        validators.validate_insee_code(code)


def test_postal_codes_list_accepts_several_and_refuses_one_bad():
    validators.validate_postal_codes("44000, 44100;44300")
    with pytest.raises(ValidationError):
        validators.validate_postal_codes("44000, 4410")
    with pytest.raises(ValidationError):
        validators.validate_postal_codes(" , ")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("0240410000", "02 40 41 00 00"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("02.40.41.00.00", "02 40 41 00 00"),
    ],
)
def test_phone_numbers_are_written_the_french_way(raw, shown):
    phones.validate_french_phone(raw)
    assert phones.format_french_phone(raw) == shown


def test_a_foreign_or_short_number_is_refused():
    with pytest.raises(ValidationError):
        phones.validate_french_phone("12345")


def test_contrast_ratio_matches_wcag_reference_values():
    assert validators.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert validators.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_a_main_colour_too_light_for_white_text_is_refused_with_its_ratio():
    validators.validate_main_colour("#1f4e8c")
    with pytest.raises(ValidationError) as error:
        validators.validate_main_colour("#77aaff")
    assert error.value.code == "low_contrast"
    assert "4.5:1" in str(error.value.messages[0]) or "4,5:1" in str(error.value.messages[0])
    with pytest.raises(ValidationError):
        validators.validate_main_colour("blue")
