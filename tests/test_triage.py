"""Triage: the labelled sets' figures, the rules residents' words exercise, and the CLI contract."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.rules.triage import triage
from tests.triage_scoring import LABELLED, load_labelled, score

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("path", [LABELLED, LABELLED.with_name("triage_holdout.tsv")], ids=["labelled", "holdout"])
def test_figures_meet_the_targets(path, monkeypatch):
    monkeypatch.setattr("tests.triage_scoring.LABELLED", path)
    result = score(load_labelled())
    assert result["messages"] >= 50
    assert result["emergency_recall"] == 1.0, [m for m in result["misses"]]
    assert result["emergency_precision"] >= 0.9, result["misses"]
    assert result["urgency_accuracy"] >= 0.85 and result["category_accuracy"] >= 0.85, result["misses"]
    assert result["language_accuracy"] >= 0.95, result["misses"]


@pytest.mark.parametrize("text, urgency, refer", [
    ("I smell gas", "emergency", "emergency_services"),
    ("I don't smell gas anymore", "routine", "none"),
    ("Last month there was a flood, is the carpet replaced?", "routine", "none"),
    ("Last month there was a flood and now water is pouring in again", "emergency", "none"),
    ("My sink doesn't drain and water is pouring onto the floor", "emergency", "none"),
    ("Question about my water bill", "routine", "none"),
    ("Water everywhere in the kitchen", "emergency", "none"),
    ("No heat, it's 44 degrees inside", "emergency", "none"),
    ("No heat, it's 50 degrees inside", "urgent", "none"),
    ("No heat, it's 50 degrees inside and my baby is sick", "emergency", "none"),
    ("No heat, it's 58 degrees inside and my baby is sick", "urgent", "none"),
    ("AC broken, it is 96 degrees inside", "emergency", "none"),
    ("AC broken, it is 90 degrees inside", "urgent", "none"),
    ("AC broken, it is 90 degrees inside and my grandmother lives with me", "emergency", "none"),
    ("No heat and it's 5°C in the apartment", "emergency", "none"),
    ("The power is out in the whole neighborhood", "urgent", "utility"),
    ("The power is out in my unit only", "urgent", "none"),
    ("No hot water", "urgent", "none"),
    ("no water at all", "emergency", "none"),
    ("no hot water and no cold water either, no water at all", "emergency", "none"),
    ("Se fue la luz en todo el barrio", "urgent", "utility"),
    ("Huele a gas", "emergency", "emergency_services"),
    ("Ya no huele a gas", "routine", "none"),
])
def test_rules(text, urgency, refer):
    result = triage(text)
    assert (result.urgency, result.refer) == (urgency, refer), result.reasons


def test_reasons_say_which_rule_fired_and_what_was_ignored():
    assert "gas" in triage("I smell gas").reasons[0]
    ignored = triage("There's no leak anymore but the drywall is soft").reasons
    assert any(r.startswith("ignored contained leak") for r in ignored)


def test_message_for_a_named_person():
    result = triage("Please tell Maria to call me back")
    assert result.category == "message" and result.person == "Maria"
    assert triage("Please tell the office I called").category != "message"
    assert triage("Quisiera hablar con la señora Gómez").person == "la señora Gómez"


def test_cli_contract_one_json_object_per_line():
    lines = ["Water is pouring through my ceiling", "Hay agua cayendo del techo", "", "¿Cuándo pago la renta?"]
    out = subprocess.run([sys.executable, str(ROOT / "manage.py"), "triage"], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, check=True, timeout=60).stdout.splitlines()
    rows = [json.loads(line) for line in out]
    assert len(rows) == 4 and all(set(r) == {"category", "urgency", "refer", "language", "reasons"} for r in rows)
    assert rows[0]["urgency"] == "emergency" and rows[1]["language"] == "es" and rows[3]["category"] == "billing"
    assert rows[2]["category"] == "general" and rows[2]["reasons"]
