"""Who is writing (rules/roles.py): prospects from leasing questions of people we do not know."""
import pytest

from chalicelib.rules.roles import role_for
from chalicelib.rules.triage import triage


@pytest.mark.parametrize("text, role", [
    ("Is the two-bedroom still available? Can I see it Saturday?", "prospect"),
    ("Do you have any apartments for rent?", "prospect"),
    ("I would like to schedule a tour", "prospect"),
    ("Any 1br vacancies for January?", "prospect"),
    ("¿Está disponible el departamento de dos recámaras? ¿Puedo verlo el sábado?", "prospect"),
    ("I want to renew my lease", "unknown"),  # a resident's leasing question
    ("I am moving out, how do I give notice to vacate?", "unknown"),
    ("Is the pool available on Saturday?", "unknown"),  # not a leasing question
    ("My kitchen sink is leaking", "unknown"),
])
def test_a_stranger_asking_a_prospects_leasing_question_is_a_prospect(text, role):
    assert role_for(triage(text).category, text, known_resident=False) == role


def test_a_known_resident_is_a_resident_whatever_they_ask():
    text = "Is the two-bedroom still available? Can I see it Saturday?"
    assert role_for(triage(text).category, text, known_resident=True) == "resident"
    assert role_for("maintenance", "My sink is leaking", known_resident=True) == "resident"
