"""The one safety question triage asks when it cannot tell whether a message is an emergency, as an
answering-service operator would, and reading the resident's answer. Pure."""
from __future__ import annotations

import re

from chalicelib.rules.wording import fold

# Which question fits, by the hazard the message talks about; the first family whose words appear wins.
FAMILIES = [
    ("person", r"\b(fell|fall|hurt|bleed\w*|breath\w*|unresponsive|help|scream\w*|intruder|knife|gun|fight\w*|"
               r"cayo|herid\w*|respira|ayuda|grit\w*|intruso|pelea\w*)\b"),
    ("fire", r"\b(gas|smoke|smok\w*|fire|burn\w*|spark\w*|monoxide|co alarm|humo|fuego|incendio|quema\w*|chispa\w*)\b"),
    ("water", r"\b(water|leak\w*|flood\w*|pipe|drip\w*|sewage|overflow\w*|agua|fuga|gotea\w*|inunda\w*|tubo|tuberia)\b"),
    ("cold", r"\b(heat|heating|heater|furnace|boiler|cold|freezing|thermostat|degrees|calefaccion|frio|grados)\b"),
    ("hot", r"\b(ac|a/c|air conditioning|cooling|hot|calor|aire)\b"),
    ("security", r"\b(door|lock|window|glass|broke in|break-in|puerta|cerradura|ventana|vidrio)\b"),
    ("elevator", r"\b(elevator|elevador|ascensor)\b"),
]

QUESTIONS = {
    "person": ("Is someone hurt or in danger right now?", "¿Hay alguien herido o en peligro en este momento?"),
    "fire": ("Do you smell gas or see smoke, fire or sparks right now?",
             "¿Huele a gas o ve humo, fuego o chispas en este momento?"),
    "water": ("Is water actively leaking or flooding right now?", "¿Está saliendo o inundando agua en este momento?"),
    "cold": ("Is it below 55°F inside, or is anyone at home a baby, elderly, sick or disabled?",
             "¿Hace menos de 55°F (13°C) adentro, o hay en casa un bebé, una persona mayor, enferma o con discapacidad?"),
    "hot": ("Is it above 85°F inside, or is anyone at home a baby, elderly, sick or disabled?",
            "¿Hace más de 85°F (29°C) adentro, o hay en casa un bebé, una persona mayor, enferma o con discapacidad?"),
    "security": ("Is your home unable to be locked or secured right now?",
                 "¿Su casa no se puede cerrar con llave o asegurar en este momento?"),
    "elevator": ("Is someone trapped in the elevator right now?", "¿Hay alguien atrapado en el elevador en este momento?"),
    "any": ("Is this an emergency happening right now: water leaking, gas, smoke, fire, no heat in the cold, "
            "or someone in danger?",
            "¿Es una emergencia que está pasando ahora: agua saliendo, gas, humo, fuego, sin calefacción con frío, "
            "o alguien en peligro?"),
}
HOW_TO_ANSWER = {"en": "Reply 1 for yes, 2 for no.", "es": "Responda 1 para sí, 2 para no."}
QUICK_REPLIES = {"en": [{"label": "1 Yes", "value": "1"}, {"label": "2 No", "value": "2"}],
                 "es": [{"label": "1 Sí", "value": "1"}, {"label": "2 No", "value": "2"}]}

YES = re.compile(r"^\s*(1|y|yes|yeah|yep|yea|si|sip|claro|correct|it is|right now|ahora)\b")
NO = re.compile(r"^\s*(2|n|no|nope|nah|not now|not anymore|ya no|negativo)\b")


def family(normalised_text: str) -> str:
    return next((name for name, words in FAMILIES if re.search(words, normalised_text)), "any")


def question(normalised_text: str, language: str) -> str:
    english, spanish = QUESTIONS[family(normalised_text)]
    return f"{spanish if language == 'es' else english} {HOW_TO_ANSWER['es' if language == 'es' else 'en']}"


def refer_on_yes(asked: str) -> str:
    """A yes to the fire or person-in-danger question also means: call 911."""
    dangerous = [text for name in ("person", "fire") for text in QUESTIONS[name]]
    return "emergency_services" if any(asked.startswith(text) for text in dangerous) else "none"


def answer(text: str) -> bool | None:
    """True for yes, False for no, None when the reply is not an answer to the question."""
    folded = fold(text)
    if YES.match(folded):
        return True
    if NO.match(folded):
        return False
    return None
