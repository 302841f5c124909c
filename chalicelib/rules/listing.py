"""What a property has to rent, as a prospect's answer states it: its floor plans (bedrooms, rent, how many are
available and from when), the ones matching the bedrooms they asked about first. Pure.

The listing is the property's `listing` (a list of plans, kept by the office like the tour settings):
{"bedrooms": 0-6 (0 is a studio), "bathrooms": 1-5 in halves, "rent": whole dollars a month, "available": units
free, "available_from": ISO date (optional: now)}."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MAX_BEDROOMS = 6
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3,
           "cuatro": 4}
ASKED = re.compile(r"\b(\d|one|two|three|four|uno|una|un|dos|tres|cuatro)[- ]?(bed(room)?s?|br|bd|"
                   r"rec[aá]maras?|habitaci[oó]n(es)?|dormitorios?|cuartos?)\b", re.IGNORECASE)
STUDIO = re.compile(r"\b(studio|estudio|efficiency)\b", re.IGNORECASE)
MONTHS = {"en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December"),
          "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                 "noviembre", "diciembre")}
PLAN_NAMES = {"en": ("Studio", "One-bedroom", "Two-bedroom", "Three-bedroom", "Four-bedroom", "Five-bedroom",
                     "Six-bedroom"),
              "es": ("Estudio", "Una recámara", "Dos recámaras", "Tres recámaras", "Cuatro recámaras",
                     "Cinco recámaras", "Seis recámaras")}


@dataclass(frozen=True)
class Plan:
    bedrooms: int
    bathrooms: float
    rent: int
    available: int
    available_from: date | None = None


def plans_from(data) -> list[Plan]:
    """The stored listing, checked; ValueError says what is wrong (it is configured by hand)."""
    plans = []
    for item in data or []:
        if not isinstance(item, dict) or not {"bedrooms", "bathrooms", "rent", "available"} <= set(item):
            raise ValueError("each plan has bedrooms, bathrooms, rent and available")
        bedrooms, bathrooms, rent, available = (item["bedrooms"], float(item["bathrooms"]), item["rent"],
                                                item["available"])
        if not (isinstance(bedrooms, int) and 0 <= bedrooms <= MAX_BEDROOMS and isinstance(rent, int) and rent > 0
                and isinstance(available, int) and available >= 0 and 1 <= bathrooms <= 5 and bathrooms * 2 % 1 == 0):
            raise ValueError(f"a plan out of bounds: {item}")
        start = date.fromisoformat(item["available_from"]) if item.get("available_from") else None
        plans.append(Plan(bedrooms, bathrooms, rent, available, start))
    return plans


def bedrooms_asked(text: str) -> int | None:
    """The number of bedrooms a message asks about ("2br", "two-bedroom", "dos recámaras", "studio"), if any."""
    if STUDIO.search(text or ""):
        return 0
    found = ASKED.search(text or "")
    if not found:
        return None
    word = found.group(1).lower()
    value = int(word) if word.isdigit() else NUMBERS[word]
    return value if value <= MAX_BEDROOMS else None


def _money(amount: int) -> str:
    return f"${amount:,}"


def _plan(plan: Plan, language: str, today: date) -> str:
    name = PLAN_NAMES[language][plan.bedrooms]
    baths = f"{plan.bathrooms:g}"
    when = plan.available_from if plan.available_from and plan.available_from > today else None
    if language == "es":
        units = "1 disponible" if plan.available == 1 else f"{plan.available} disponibles"
        since = f" desde el {when.day} de {MONTHS['es'][when.month - 1]}" if when else " ya"
        return f"{name}, {baths} baño{'s' if plan.bathrooms > 1 else ''}: {units}{since}, {_money(plan.rent)} al mes"
    units = f"{plan.available} available"
    since = f" from {MONTHS['en'][when.month - 1]} {when.day}" if when else " now"
    return f"{name}, {baths} bath: {units}{since}, {_money(plan.rent)} a month"


def summary(plans: list[Plan], asked: int | None, language: str, today: date) -> str | None:
    """One or two sentences on what is available, the plan asked about first; None when nothing is listed."""
    language = "es" if language == "es" else "en"
    free = sorted((p for p in plans if p.available > 0), key=lambda p: (p.bedrooms != asked, p.bedrooms, p.rent))
    if not free:
        return None
    lines = "; ".join(_plan(p, language, today) for p in free) + "."
    if asked is not None and free[0].bedrooms != asked:
        wanted = PLAN_NAMES[language][asked].lower()
        none = (f"No tenemos {wanted} disponible ahora. " if language == "es"
                else f"We have no {wanted} available right now. ")
        return none + lines
    return lines
