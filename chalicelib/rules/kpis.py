"""The KPIs a property manager is judged by, each defined once: what it counts, its target, and whether a
value meets it. Pure: the facts about each ticket (tickets/kpi_report.py gathers them with indexed queries)
and the report time come in; values come out. A KPI with nothing to count is None, never a made-up 0.

The period is a cohort: the tickets opened from `from` to `to` (UTC days, inclusive), and what happened to
them up to the report time `as_of`. Backlog aging alone is a snapshot of the open queue at `as_of`."""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.rules import surveys
from chalicelib.rules.service_levels import (
    CSAT_REVIEW_WITHIN,
    MAX_DIGEST_DELAY,
    SAFETY_UNRESOLVED,
    TIER_TWO_AFTER,
    TIME_TO_HUMAN,
)

FCR_WINDOW = timedelta(days=7)  # a repeat contact or a reopen this soon after the resolution: not first-contact
ANSWER_WITHIN_SECONDS = 20  # service level: a call answered within this long
BACKLOG_AGE = timedelta(days=7)  # backlog aging: an open ticket older than this
TIER2_GRACE = timedelta(minutes=5)  # the tier-2 clock's Lambda runs a few seconds after the due time


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    unit: str  # "%", "seconds", "minutes", "points"
    target: float | None  # None: reported, no published target
    better: str  # "higher" (value >= target meets it) or "lower" (value <= target meets it)
    definition: str


DEFINITIONS: tuple[Kpi, ...] = (
    Kpi("fcr", "First-contact resolution", "%", 75, "higher",
        "Resolved tickets never reopened and with no new ticket from the same resident (phone or email) about the "
        "same category at the same property within 7 days of the resolution, as a share of resolved tickets."),
    Kpi("csat", "CSAT", "%", 85, "higher", "Survey answers scoring 4 or 5 of 5, as a share of CSAT answers."),
    Kpi("nps", "NPS", "points", 30, "higher",
        "Percent of promoters (9-10) minus percent of detractors (0-6) among NPS answers."),
    Kpi("asa_seconds", "Average speed of answer", "seconds", None, "lower",
        "Mean queue wait of answered calls, from Connect contact events (informational: the target is the "
        "service level)."),
    Kpi("service_level", "Service level (answered in 20 s)", "%", 80, "higher",
        "Calls answered within 20 s of entering the queue, as a share of calls answered or abandoned in the queue."),
    Kpi("aht_seconds", "Average handle time", "seconds", None, "lower",
        "Mean time from answer to the end of after-call work (informational: no published target)."),
    Kpi("abandon_rate", "Abandon rate", "%", 5, "lower",
        "Calls hung up while waiting in the queue, as a share of calls answered or abandoned in the queue."),
    Kpi("backlog_aging", "Backlog aging (open > 7 days)", "%", 5, "lower",
        "Open tickets older than 7 days, as a share of all open tickets, at the report time (a snapshot: "
        "no value for a period that ended before today)."),
    Kpi("safety_over_24h", "Safety tickets open > 24 h", "%", 0, "lower",
        "Emergency tickets not resolved or closed within 24 h of arrival, as a share of emergency tickets."),
    Kpi("complaint_ack", "Complaints acknowledged in 1 business hour", "%", 100, "higher",
        "Complaints whose first human reply came within 1 business hour, as a share of complaints answered or "
        "already past that hour."),
    Kpi("tier2_on_time", "Tier 2 within 24 h", "%", 100, "higher",
        "Tickets still unresolved 24 h after arrival that were with tier 2 by then, as a share of such tickets."),
    Kpi("review_on_time", "Low scores reviewed in 72 h", "%", 100, "higher",
        "Low survey scores (CSAT 1-2 or NPS 0-5) a manager reviewed within 72 h, as a share of low scores "
        "reviewed or already past 72 h."),
    Kpi("time_to_human_p50", "Time to human, median", "seconds", TIME_TO_HUMAN.total_seconds(), "lower",
        "Median seconds from an emergency's arrival to a human acknowledging it."),
    Kpi("time_to_human_p90", "Time to human, 90th percentile", "seconds", TIME_TO_HUMAN.total_seconds(), "lower",
        "Nearest-rank 90th percentile of the same."),
    Kpi("time_to_human_max", "Time to human, longest", "seconds", TIME_TO_HUMAN.total_seconds(), "lower",
        "The longest of the same."),
    Kpi("time_to_human_within_30", "Emergencies reached within 30 min", "%", 100, "higher",
        "Escalated emergencies acknowledged within 30 minutes, as a share of those acknowledged or already "
        "unacknowledged past 30 minutes."),
    Kpi("digest_lateness", "After-hours digest lateness, worst", "minutes", MAX_DIGEST_DELAY, "lower",
        "Minutes from the office opening to the digest carrying a message left while it was closed, worst of "
        "the period."),
    Kpi("visit_arrival", "Visits arrived within the window", "%", None, "higher",
        "Repair visits completed or without access whose technician arrived inside the arrival window the "
        "resident confirmed, as a share of those with an arrival time (informational: no published target)."),
    Kpi("first_time_fix", "First-time fix", "%", 70, "higher",
        "Tickets whose first completed repair visit fixed it (the resident did not answer 'no' to 'was it "
        "fixed?' and no second visit was needed), as a share of tickets with a completed visit; the usual "
        "range is 70-85 %."),
    Kpi("deflection", "Chats answered by the help center", "%", None, "higher",
        "Chats answered automatically from a help article whose resident said \"yes, this answered my question\" "
        "before anyone from the office replied (the chat closes by itself), as a share of chats answered from "
        "the help center (informational: no published target)."),
)
BY_KEY = {k.key: k for k in DEFINITIONS}


@dataclass(frozen=True)
class Call:
    outcome: str  # completed | connected | abandoned | callback_or_message | in_queue | ended_in_flow | in_flow
    queue_wait_seconds: float | None = None
    handle_seconds: float | None = None


@dataclass(frozen=True)
class VisitFact:
    status: str
    in_window: bool | None = None  # arrival inside the window (completed / no_access visits)
    fixed: bool | None = None  # the resident's answer to "was it fixed?"


@dataclass(frozen=True)
class TicketFacts:
    """What the KPIs need to know of one ticket (its row and its audit trail)."""
    ticket_id: str
    ref: str
    property_id: str
    category: str
    urgency: str
    status: str
    created: datetime
    phone: str | None = None
    email: str | None = None
    first_resolved: datetime | None = None  # the first time it became resolved or closed
    done: datetime | None = None  # when it last became resolved/closed, while it still is; None while open
    reopened: bool = False
    first_response_at: datetime | None = None
    first_response_due: datetime | None = None
    tier2_at: datetime | None = None  # when it first went to tier 2
    csat: int | None = None
    nps: int | None = None
    answered_at: datetime | None = None
    review_done_at: datetime | None = None
    escalated: bool = False
    reached_seconds: float | None = None
    calls: tuple[Call, ...] = ()
    opening: datetime | None = None  # held after hours: the office opening it waited for
    released: datetime | None = None  # ...and when the digest carried it
    linked_to: str | None = None  # an email follow-up of a closed ticket
    visits: tuple[VisitFact, ...] = ()  # in the order they were proposed
    kb_answered: bool = False  # the chat answered it from a help article
    self_served: bool = False  # ...and the resident said it answered them, before staff replied


@dataclass
class Result:
    key: str
    value: float | None
    count: int  # how many things were counted (tickets, answers, calls)
    detail: dict = field(default_factory=dict)
    breaches: list = field(default_factory=list)  # refs that missed, with why


def met(kpi: Kpi, value: float | None) -> bool | None:
    if value is None or kpi.target is None:
        return None
    return value >= kpi.target if kpi.better == "higher" else value <= kpi.target


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def percentile(values: list[float], q: float) -> float | None:
    """Nearest rank: the value at or below which a share `q` of the values lie."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


# --- each KPI ---

def fcr(cohort: list[TicketFacts], later: list[TicketFacts], as_of: datetime | None = None) -> Result:
    """`later`: tickets opened from the period's start to 7 days after its end (repeat contacts). A ticket
    resolved less than 7 days before `as_of` counts provisionally (detail.window_open)."""
    resolved = [t for t in cohort if t.first_resolved is not None]
    first_time, breaches = 0, []
    for t in resolved:
        repeat = next((o for o in later if o.ticket_id != t.ticket_id and o.property_id == t.property_id
                       and (o.linked_to == t.ticket_id or (
                           o.category == t.category and _same_resident(o, t)
                           and t.first_resolved <= o.created <= t.first_resolved + FCR_WINDOW))), None)
        if t.reopened or repeat:
            breaches.append({"ref": t.ref, "why": "reopened" if t.reopened else f"contacted again ({repeat.ref})"})
        else:
            first_time += 1
    still_open = sum(as_of is not None and as_of < t.first_resolved + FCR_WINDOW for t in resolved)
    return Result("fcr", share(first_time, len(resolved)), len(resolved),
                  {"first_contact": first_time, "window_open": still_open}, breaches)


def _same_resident(a: TicketFacts, b: TicketFacts) -> bool:
    return bool((a.phone and a.phone == b.phone) or (a.email and a.email.lower() == (b.email or "").lower()))


def csat(cohort: list[TicketFacts]) -> Result:
    scores = [t.csat for t in cohort if t.csat is not None]
    good = sum(s >= 4 for s in scores)
    return Result("csat", share(good, len(scores)), len(scores), {"satisfied": good})


def nps(cohort: list[TicketFacts]) -> Result:
    scores = [t.nps for t in cohort if t.nps is not None]
    if not scores:
        return Result("nps", None, 0)
    promoters, detractors = sum(s >= 9 for s in scores), sum(s <= 6 for s in scores)
    value = round(100 * (promoters - detractors) / len(scores), 1)
    return Result("nps", value, len(scores), {"promoters": promoters, "detractors": detractors})


def calls(cohort: list[TicketFacts]) -> list[Result]:
    every = [c for t in cohort for c in t.calls]
    answered = [c for c in every if c.outcome in ("completed", "connected")]
    abandoned = [c for c in every if c.outcome == "abandoned"]
    waits = [c.queue_wait_seconds for c in answered if c.queue_wait_seconds is not None]
    handles = [c.handle_seconds for c in answered if c.handle_seconds is not None]
    offered = len(answered) + len(abandoned)
    quick = sum(w <= ANSWER_WITHIN_SECONDS for w in waits)
    return [Result("asa_seconds", _mean(waits), len(waits)),
            Result("service_level", share(quick, offered), offered, {"answered_in_20s": quick}),
            Result("aht_seconds", _mean(handles), len(handles)),
            Result("abandon_rate", share(len(abandoned), offered), offered, {"abandoned": len(abandoned)})]


def backlog(open_tickets: list[TicketFacts], as_of: datetime) -> Result:
    old = [t for t in open_tickets if as_of - t.created > BACKLOG_AGE]
    return Result("backlog_aging", share(len(old), len(open_tickets)), len(open_tickets),
                  {"older_than_7_days": len(old)}, [{"ref": t.ref, "why": "open more than 7 days"} for t in old])


def safety(cohort: list[TicketFacts], as_of: datetime) -> Result:
    emergencies = [t for t in cohort if t.urgency == "emergency"]
    late = [t for t in emergencies
            if (t.done is None and as_of - t.created > SAFETY_UNRESOLVED)
            or (t.done is not None and t.done - t.created > SAFETY_UNRESOLVED)]
    return Result("safety_over_24h", share(len(late), len(emergencies)), len(emergencies), {"late": len(late)},
                  [{"ref": t.ref, "why": "emergency open more than 24 h"} for t in late])


def complaint_ack(cohort: list[TicketFacts], as_of: datetime) -> Result:
    counted, on_time, breaches = 0, 0, []
    for t in cohort:
        if t.category != "complaint" or t.first_response_due is None:
            continue
        if t.first_response_at is None and as_of <= t.first_response_due:
            continue  # still within its hour
        counted += 1
        if t.first_response_at is not None and t.first_response_at <= t.first_response_due:
            on_time += 1
        else:
            breaches.append({"ref": t.ref, "why": "complaint not acknowledged within 1 business hour"})
    return Result("complaint_ack", share(on_time, counted), counted, {"on_time": on_time}, breaches)


def tier2(cohort: list[TicketFacts], as_of: datetime) -> Result:
    counted, on_time, breaches = 0, 0, []
    for t in cohort:
        due = t.created + TIER_TWO_AFTER
        if as_of < due or (t.done is not None and t.done <= due):
            continue  # not 24 h old yet, or resolved in time: tier 2 was never owed
        counted += 1
        if t.tier2_at is not None and t.tier2_at <= due + TIER2_GRACE:
            on_time += 1
        else:
            breaches.append({"ref": t.ref, "why": "not with tier 2 24 h after arrival"})
    return Result("tier2_on_time", share(on_time, counted), counted, {"on_time": on_time}, breaches)


def review(cohort: list[TicketFacts], as_of: datetime) -> Result:
    counted, on_time, breaches = 0, 0, []
    for t in cohort:
        if t.answered_at is None or not surveys.is_low(t.csat, t.nps):
            continue
        due = t.answered_at + CSAT_REVIEW_WITHIN
        if t.review_done_at is None and as_of <= due:
            continue
        counted += 1
        if t.review_done_at is not None and t.review_done_at <= due:
            on_time += 1
        else:
            breaches.append({"ref": t.ref, "why": "low score not reviewed within 72 h"})
    return Result("review_on_time", share(on_time, counted), counted, {"on_time": on_time}, breaches)


def time_to_human(cohort: list[TicketFacts], as_of: datetime) -> list[Result]:
    limit = TIME_TO_HUMAN.total_seconds()
    escalated = [t for t in cohort if t.escalated]
    reached = [float(t.reached_seconds) for t in escalated if t.reached_seconds is not None]
    waiting_too_long = [t for t in escalated
                        if t.reached_seconds is None and (as_of - t.created).total_seconds() > limit]
    within = sum(s <= limit for s in reached)
    breaches = [{"ref": t.ref, "why": f"reached in {round(t.reached_seconds)} s"} for t in escalated
                if t.reached_seconds is not None and t.reached_seconds > limit]
    breaches += [{"ref": t.ref, "why": "no human has acknowledged it"} for t in waiting_too_long]
    n = len(reached)
    return [Result("time_to_human_p50", percentile(reached, 0.5), n),
            Result("time_to_human_p90", percentile(reached, 0.9), n),
            Result("time_to_human_max", max(reached) if reached else None, n),
            Result("time_to_human_within_30", share(within, n + len(waiting_too_long)), n + len(waiting_too_long),
                   {"within_30_min": within, "unacknowledged_past_30_min": len(waiting_too_long)}, breaches)]


def digest_lateness(cohort: list[TicketFacts]) -> Result:
    late = [(t, (t.released - t.opening).total_seconds() / 60) for t in cohort
            if t.opening is not None and t.released is not None]
    minutes = [m for _, m in late]
    worst = round(max(minutes), 1) if minutes else None
    breaches = [{"ref": t.ref, "why": f"in the digest {round(m)} min after opening"} for t, m in late
                if m > MAX_DIGEST_DELAY]
    return Result("digest_lateness", worst, len(minutes),
                  {"median_minutes": round(statistics.median(minutes), 1) if minutes else None}, breaches)


def visit_arrival(cohort: list[TicketFacts]) -> Result:
    timed = [v for t in cohort for v in t.visits if v.in_window is not None]
    on_time = sum(1 for v in timed if v.in_window)
    return Result("visit_arrival", share(on_time, len(timed)), len(timed), {"in_window": on_time})


def first_time_fix(cohort: list[TicketFacts]) -> Result:
    counted, fixed, breaches = 0, 0, []
    for t in cohort:
        done = [v for v in t.visits if v.status == "completed"]
        if not done:
            continue
        counted += 1
        if done[0].fixed is not False and len(done) == 1:
            fixed += 1
        else:
            breaches.append({"ref": t.ref, "why": "not fixed at the first visit"})
    return Result("first_time_fix", share(fixed, counted), counted, {"fixed_first_time": fixed}, breaches)


def deflection(cohort: list[TicketFacts]) -> Result:
    answered = [t for t in cohort if t.kb_answered]
    deflected = sum(t.self_served for t in answered)
    return Result("deflection", share(deflected, len(answered)), len(answered), {"deflected": deflected})


def compute(cohort: list[TicketFacts], later: list[TicketFacts], open_now: list[TicketFacts] | None,
            as_of: datetime) -> list[Result]:
    """Every KPI, in DEFINITIONS order. `open_now` None: no backlog snapshot for this period."""
    results = [fcr(cohort, later, as_of), csat(cohort), nps(cohort), *calls(cohort),
               backlog(open_now, as_of) if open_now is not None else Result("backlog_aging", None, 0),
               safety(cohort, as_of), complaint_ack(cohort, as_of), tier2(cohort, as_of),
               review(cohort, as_of), *time_to_human(cohort, as_of), digest_lateness(cohort),
               visit_arrival(cohort), first_time_fix(cohort), deflection(cohort)]
    order = [k.key for k in DEFINITIONS]
    return sorted(results, key=lambda r: order.index(r.key))


def entry(result: Result, previous: Result | None = None) -> dict:
    """One KPI as the report shows it."""
    kpi = BY_KEY[result.key]
    out = {"key": kpi.key, "label": kpi.label, "unit": kpi.unit, "value": result.value, "target": kpi.target,
           "better": kpi.better, "met": met(kpi, result.value), "count": result.count, "detail": result.detail}
    if previous is not None:
        out["previous"] = {"value": previous.value, "met": met(kpi, previous.value), "count": previous.count}
        out["change"] = None if result.value is None or previous.value is None \
            else round(result.value - previous.value, 1)
    return out
