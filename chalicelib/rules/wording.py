"""Normalising resident text before triage reads it, in English and Spanish: accents and case folded,
texting shorthand and common misspellings spelled out, numbers written in words read as numbers
("fifty-two degrees" -> "52 degrees", "cincuenta y dos grados" -> "52 grados"), and words reduced to
their Snowball stems for the classifier. Pure."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Shorthand and misspellings seen in texts and transcripts, folded to the word the rules know.
SPELLING = {
    "thru": "through", "rn": "right now", "pls": "please", "plz": "please", "u": "you", "ur": "your",
    "w/": "with", "w/o": "without", "bc": "because", "cuz": "because", "b/c": "because", "asap": "right now",
    "celing": "ceiling", "cieling": "ceiling", "ceilling": "ceiling", "watter": "water", "wtr": "water",
    "leek": "leak", "leeking": "leaking", "lekaing": "leaking", "flooding,": "flooding", "smel": "smell",
    "smelss": "smells", "elevater": "elevator", "elavator": "elevator", "heatr": "heater", "furnance": "furnace",
    "thermastat": "thermostat", "tempature": "temperature", "temprature": "temperature", "degres": "degrees",
    "pipe's": "pipe is", "nite": "night", "tonite": "tonight", "gona": "gonna", "plss": "please",
    "q": "que", "xq": "porque", "pq": "porque", "x": "por", "tmb": "tambien", "aki": "aqui", "ke": "que",
    "agaua": "agua", "awa": "agua", "calefacion": "calefaccion", "elevadro": "elevador", "ascensro": "ascensor",
}

EN_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
EN_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split(), 0)
           if w != "_"}
ES_UNITS = {w: i for i, w in enumerate(
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciseis "
    "diecisiete dieciocho diecinueve veinte veintiuno veintidos veintitres veinticuatro veinticinco veintiseis "
    "veintisiete veintiocho veintinueve".split())}
ES_TENS = {"treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80,
           "noventa": 90}
HUNDRED = {"hundred": 100, "cien": 100, "ciento": 100}

_NUMBER_WORD = "|".join(sorted({*EN_UNITS, *EN_TENS, *ES_UNITS, *ES_TENS, *HUNDRED, "forty", "fourty"},
                               key=len, reverse=True))
NUMBER_PHRASE = re.compile(rf"\b(?:{_NUMBER_WORD})(?:(?:[\s-]+|\s+y\s+|\s+and\s+)(?:{_NUMBER_WORD}))*\b")


def fold(text: str) -> str:
    """Accent-free lower case with straight quotes and single spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip()


def _value(words: list[str]) -> int | None:
    total, current = 0, None
    for word in words:
        word = "forty" if word == "fourty" else word
        if word in HUNDRED:
            total, current = total + 100 * (current or 1), None
        elif word in EN_TENS or word in ES_TENS:
            if current is not None and current % 10 == 0 and current >= 20:
                return None  # "fifty sixty": two numbers, not one
            current = (current or 0) + EN_TENS.get(word, ES_TENS.get(word, 0))
        else:
            unit = EN_UNITS.get(word, ES_UNITS.get(word))
            if current is not None and (current % 10 or current < 20):
                return None  # "one two" is not a number
            current = (current or 0) + unit
    return total + (current or 0)


def _numbers(text: str) -> str:
    def replace(m: re.Match) -> str:
        words = [w for w in re.split(r"[\s-]+", m.group(0)) if w not in ("y", "and")]
        value = _value(words)
        # A lone "one"/"uno" is usually a pronoun or article ("the one upstairs", "uno de los tubos").
        if value is None or (len(words) == 1 and words[0] in ("one", "uno", "una")):
            return m.group(0)
        return str(value)
    return NUMBER_PHRASE.sub(replace, text)


def _spelling(text: str) -> str:
    return " ".join(SPELLING.get(word, word) for word in text.split(" "))


def normalize(text: str) -> str:
    """What the rules read: folded, shorthand spelled out, numbers in digits."""
    return _numbers(_spelling(fold(text)))


@lru_cache(maxsize=2)
def _stemmer(language: str):
    import snowballstemmer  # noqa: PLC0415 - only the classifier stems; the rest of the app never needs it

    return snowballstemmer.stemmer("spanish" if language == "es" else "english")


def stems(text: str, language: str) -> str:
    """What the classifier reads: the normalised words, each reduced to its stem, punctuation kept apart."""
    words = re.findall(r"[a-z]+|\d+|[!?]", normalize(text))
    return " ".join(_stemmer(language).stemWords(words))
