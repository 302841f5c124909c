"""Who is writing: a contact's role (resident, prospect, owner, vendor, unknown) from what we know of them and
what triage read. Pure.

A role comes first from the property's own lists (tickets/portfolio.listed_role: residents by phone, owners
and vendors by phone or email), which the ticket store consults for every channel; for someone on none of
them, from a leasing message that reads like a prospect's ("is the two-bedroom still available?", "can I see
it Saturday?") rather than a resident's ("renew my lease", "move out")."""
import re

ROLES = ("resident", "prospect", "owner", "vendor", "unknown")
# Roles that have a queue of their own and never appear in the working (maintenance) queue.
OWN_QUEUE = ("prospect", "owner")

PROSPECT = re.compile(
    r"\b(availab(le|ility)|vacanc(y|ies)|for rent|tours?|visit|see (it|the (apartment|unit|place|studio))|"
    r"viewing|showing|\d+[- ]?(bed(room)?s?|br)|(one|two|three|four)[- ]bed(room)?s?|studio|apply|application|"
    r"move in|moving in|looking for an? (apartment|place|unit)|"
    r"disponible|disponibilidad|visita|verlo|verla|recámaras?|recamaras?|habitaciones|rentar|alquilar|solicitud)\b",
    re.IGNORECASE)
RESIDENT = re.compile(
    r"\b(my lease|renew(al|ing)?|move[- ]?out|moving out|notice to vacate|vacate|my (apartment|unit)|"
    r"mi contrato|renovar|mudarme|mi (apartamento|departamento))\b", re.IGNORECASE)


def role_for(category: str, text: str, known: str | None) -> str:
    """`known`: what the property's lists say of the sender (resident, owner or vendor), if anything."""
    if known:
        return known
    if category == "leasing" and PROSPECT.search(text or "") and not RESIDENT.search(text or ""):
        return "prospect"
    return "unknown"
