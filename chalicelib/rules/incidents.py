"""One incident, many reports: residents of one property reporting the same hazard within a short window are
one emergency to the people on call (a burst main floods six units; a fire alarm wakes a building).

Pure: which hazard a triage named, and for how long a first report gathers the others."""
from __future__ import annotations

from datetime import timedelta

# Reports of the same hazard at one property within this time of the first are grouped with it.
WINDOW = timedelta(minutes=60)


def hazard(reasons: list[str]) -> str | None:
    """The hazard the triage rules named ("active water leak or flood: 'pipe burst' -> emergency" -> the
    part before the colon). None when only the classifier or the menu made it an emergency: such a report
    pages on its own rather than joining something it may not be."""
    for reason in reasons or []:
        if reason.endswith("-> emergency") and not reason.startswith("classifier"):
            return reason.split(":", 1)[0].split(" -> ", 1)[0].strip().lower() or None
    return None
