"""Normalising resident text before triage reads it (rules/wording.py)."""
import pytest

from chalicelib.rules.wording import normalize, stems


@pytest.mark.parametrize("text, expected", [
    ("it's fifty-two degrees", "it's 52 degrees"),
    ("ninety eight degrees", "98 degrees"),
    ("hace cincuenta y dos grados", "hace 52 grados"),
    ("a hundred and two", "a 102"),
    ("one of the pipes", "one of the pipes"),  # a lone "one" is a word, not a reading
    ("twenty twenty", "twenty twenty"),  # two numbers side by side are not one
    ("Calefacción APAGADA", "calefaccion apagada"),
    ("water coming thru the light rn pls", "water coming through the light right now please"),
])
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_stems_fold_word_forms_together_in_each_language():
    assert stems("Flooding floods flooded", "en") == "flood flood flood"
    assert stems("inundación inundado", "es").split()[0] == stems("inundación inundado", "es").split()[1]
