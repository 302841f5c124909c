"""The ticket store's write path on the in-process twin: what a new ticket records, how messages move a
ticket on, the status lifecycle, assignment and tier, and stale writes."""
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.core.errors import Conflict, Invalid
from chalicelib.core.times import iso
from chalicelib.rules.triage import Triage, triage
from chalicelib.tickets import store as tickets
from tests.conftest import NOW  # Wednesday 10:30 in New York: Maple Court's office is open

pytestmark = pytest.mark.integration

LATER = NOW + timedelta(hours=1)


def utc(*args) -> str:
    """A UTC time as the ticket stores it (core/times.py)."""
    return iso(datetime(*args, tzinfo=timezone.utc))


def new(text="The closet door came off the track", property_id="maple-court", channel="chat", now=NOW, **kwargs):
    kwargs.setdefault("contact", tickets.Requester())
    kwargs.setdefault("author", "resident")
    return tickets.create_ticket(property_id=property_id, channel=channel, text=text, result=triage(text), now=now,
                                 **kwargs)


def queue_refs(property_id="maple-court"):
    return [t.ref for t in tickets.open_queue([property_id], None, 50, None)[0]]


def trail(ticket_id):
    return [(a.actor, a.action, a.detail) for a in tickets.audit_trail(ticket_id)]


def test_a_new_ticket_records_the_contact_the_triage_and_its_due_times(aws):
    text = "  Please tell Maria to call me back about the lease renewal. " + "x" * 150
    result = triage(text)
    contact = tickets.Requester(name="James Carter", phone="+12125550143", email="james@example.com")
    ticket, message = tickets.create_ticket(property_id="maple-court", channel="email", text=text, result=result,
                                            contact=contact, author="james@example.com", now=NOW, unit="2A",
                                            chat_session_id="sess-1", ticket_fields={"subject": "Lease"},
                                            message_fields={"subject": "Lease"}, ticket_id="01TICKETIDFORTEST00000000")
    assert ticket.ticket_id == "01TICKETIDFORTEST00000000" and ticket.ref.startswith("TL-") and len(ticket.ref) == 7
    assert (ticket.property_id, ticket.unit, ticket.channel, ticket.chat_session_id, ticket.subject) == (
        "maple-court", "2A", "email", "sess-1", "Lease")
    assert (ticket.contact_name, ticket.contact_phone, ticket.contact_email) == (
        "James Carter", "+12125550143", "james@example.com")
    assert (ticket.category, ticket.urgency, ticket.refer, ticket.language, ticket.for_person) == (
        "message", "routine", "none", "en", "Maria")
    assert ticket.reasons == result.reasons and ticket.reasons
    assert ticket.summary == text.strip()[:140] and len(ticket.summary) == 140
    assert (ticket.status, ticket.tier, ticket.escalation, ticket.assignee) == ("new", 1, None, None)
    assert ticket.created_at == ticket.updated_at == "2026-11-18T15:30:00.000Z"
    # Routine work: 8 and 40 business hours on Maple Court's calendar (open Saturday 10-14).
    assert ticket.first_response_due == utc(2026, 11, 19, 14, 30)
    assert ticket.resolve_due == utc(2026, 11, 24, 15, 30)
    assert (message.direction, message.channel, message.author, message.body, message.language, message.subject) == (
        "inbound", "email", "james@example.com", text, "en", "Lease")
    assert [(m.message_id, m.body, m.automated) for m in tickets.thread(ticket.ticket_id)] == [
        (message.message_id, text, False)]
    assert trail(ticket.ticket_id) == [("james@example.com", "created", {
        "channel": "email", "category": "message", "urgency": "routine", "refer": "none", "reasons": result.reasons})]
    assert tickets.resolve_ticket_id(ticket.ref) == ticket.ticket_id


def test_an_emergency_is_due_on_the_wall_clock_waits_for_escalation_and_leads_the_queue(aws):
    routine, _ = new("The closet door came off the track", now=NOW - timedelta(days=1))
    urgent, _ = new("No hot water since yesterday", now=NOW - timedelta(hours=1))
    emergency, message = new("Hay agua cayendo del techo", channel="voice")
    assert (emergency.urgency, emergency.escalation, emergency.language, message.language) == (
        "emergency", "pending", "es", "es")
    assert emergency.first_response_due == iso(NOW + timedelta(minutes=30))
    assert emergency.resolve_due == iso(NOW + timedelta(hours=24))
    assert routine.escalation is None
    assert queue_refs() == [emergency.ref, urgent.ref, routine.ref]


def test_only_known_channels_make_tickets(aws):
    with pytest.raises(Invalid, match="^channel must be one of chat, email, voice, sms$"):
        new(channel="fax")


def test_a_taken_reference_is_never_reused(aws, monkeypatch):
    first, _ = new()
    drawn = iter([first.ref, first.ref, "TL-NEW1"])
    monkeypatch.setattr(tickets.ids, "new_ref", lambda: next(drawn))
    second, _ = new("Blinds are broken")
    assert second.ref == "TL-NEW1"
    assert tickets.resolve_ticket_id(first.ref) == first.ticket_id
    assert tickets.resolve_ticket_id("TL-NEW1") == second.ticket_id
    assert len(tickets.thread(second.ticket_id)) == 1 and [a[1] for a in trail(second.ticket_id)] == ["created"]


def test_when_every_reference_drawn_is_taken_the_resident_is_asked_to_retry(aws, monkeypatch):
    first, _ = new()
    monkeypatch.setattr(tickets.ids, "new_ref", lambda: first.ref)
    with pytest.raises(Conflict, match="^could not allocate a ticket reference; please retry$"):
        new("Blinds are broken")
    assert queue_refs() == [first.ref]


def test_a_staff_reply_is_the_first_response_and_acknowledges_a_new_ticket(aws):
    ticket, _ = new()
    reply = tickets.add_message(ticket, direction="outbound", author="dev-csr", body="We'll fix it Thursday.",
                                now=LATER)
    fresh = tickets.get_ticket(ticket.ticket_id)
    assert (fresh.status, fresh.first_response_at, fresh.updated_at) == (
        "acknowledged", iso(LATER), "2026-11-18T16:30:00.000Z")
    assert (reply.direction, reply.channel, reply.author, reply.automated) == ("outbound", "chat", "dev-csr", False)
    assert [m.body for m in tickets.thread(ticket.ticket_id)][-1] == "We'll fix it Thursday."
    assert trail(ticket.ticket_id)[-1] == ("dev-csr", "replied", {
        "message_id": reply.message_id, "channel": "chat", "status": ["new", "acknowledged"]})
    assert queue_refs() == [ticket.ref]  # acknowledged is still open

    # A second reply changes nothing but the thread: the first response stays the first.
    again = tickets.add_message(fresh, direction="outbound", author="dev-csr2", body="On our way.",
                                now=LATER + timedelta(hours=1), channel="email")
    after = tickets.get_ticket(ticket.ticket_id)
    assert (after.status, after.first_response_at) == ("acknowledged", iso(LATER))
    assert again.channel == "email"
    assert trail(ticket.ticket_id)[-1] == ("dev-csr2", "replied", {"message_id": again.message_id,
                                                                    "channel": "email"})


def test_a_reply_on_a_ticket_in_progress_counts_as_first_response_without_a_status_change(aws):
    ticket, _ = new()
    tickets.change_status(ticket.ticket_id, "in_progress", "dev-csr", NOW)
    tickets.add_message(tickets.get_ticket(ticket.ticket_id), direction="outbound", author="dev-csr", body="Hi",
                        now=LATER)
    fresh = tickets.get_ticket(ticket.ticket_id)
    assert (fresh.status, fresh.first_response_at) == ("in_progress", iso(LATER))


def test_an_automated_reply_is_not_a_first_response(aws):
    ticket, _ = new()
    auto = tickets.add_message(ticket, direction="outbound", author="system", body="Thanks, we've opened it.",
                               now=LATER, automated=True)
    fresh = tickets.get_ticket(ticket.ticket_id)
    assert (fresh.status, fresh.first_response_at) == ("new", None)
    assert tickets.thread(ticket.ticket_id)[-1].automated is True
    assert trail(ticket.ticket_id)[-1] == ("system", "auto_reply", {"message_id": auto.message_id,
                                                                     "channel": "chat"})


def test_a_resident_writing_back_moves_a_waiting_ticket_on(aws):
    ticket, _ = new()
    tickets.change_status(ticket.ticket_id, "waiting_on_resident", "dev-csr", NOW)
    message = tickets.add_message(tickets.get_ticket(ticket.ticket_id), direction="inbound", author="resident",
                                  body="Any time after 3 works.", now=LATER)
    assert tickets.get_ticket(ticket.ticket_id).status == "in_progress"
    assert trail(ticket.ticket_id)[-1] == ("resident", "message_in", {
        "message_id": message.message_id, "channel": "chat", "status": ["waiting_on_resident", "in_progress"]})
    # Writing again on a ticket already in progress only adds to the thread.
    tickets.add_message(tickets.get_ticket(ticket.ticket_id), direction="inbound", author="resident",
                        body="Also the hinge.", now=LATER)
    assert tickets.get_ticket(ticket.ticket_id).status == "in_progress"
    assert "status" not in trail(ticket.ticket_id)[-1][2]


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_a_resident_writing_back_reopens_a_finished_ticket(aws, status):
    ticket, _ = new()
    tickets.change_status(ticket.ticket_id, "resolved", "dev-csr", NOW)
    if status == "closed":
        tickets.change_status(ticket.ticket_id, "closed", "dev-csr", NOW)
    assert queue_refs() == []
    tickets.add_message(tickets.get_ticket(ticket.ticket_id), direction="inbound", author="resident",
                        body="It is dripping again.", now=LATER)
    fresh = tickets.get_ticket(ticket.ticket_id)
    assert (fresh.status, fresh.resolved_at) == ("in_progress", None)
    assert queue_refs() == [ticket.ref]


def test_an_automated_inbound_message_does_not_reopen_a_resolved_ticket(aws):
    ticket, _ = new()
    tickets.change_status(ticket.ticket_id, "resolved", "dev-csr", NOW)
    tickets.add_message(tickets.get_ticket(ticket.ticket_id), direction="inbound", author="system",
                        body="Out of office", now=LATER, automated=True)
    assert tickets.get_ticket(ticket.ticket_id).status == "resolved"


def test_a_message_can_carry_ticket_changes_and_its_own_fields(aws):
    ticket, _ = new()
    message = tickets.add_message(ticket, direction="inbound", author="resident", body="I'm in 4B", now=LATER,
                                  fields={"subject": "Re: door"}, ticket_changes={"unit": "4B"})
    assert tickets.get_ticket(ticket.ticket_id).unit == "4B"
    assert tickets.thread(ticket.ticket_id)[-1].subject == "Re: door" and message.subject == "Re: door"


def test_a_message_on_a_stale_copy_is_applied_to_the_current_ticket(aws):
    ticket, _ = new()
    stale = tickets.get_ticket(ticket.ticket_id)
    tickets.change_status(ticket.ticket_id, "resolved", "dev-csr", NOW)  # meanwhile a CSR resolves it
    tickets.add_message(stale, direction="inbound", author="resident", body="Still broken.", now=LATER)
    fresh = tickets.get_ticket(ticket.ticket_id)
    assert (fresh.status, fresh.resolved_at) == ("in_progress", None)
    assert [m.body for m in tickets.thread(ticket.ticket_id)][-1] == "Still broken."
    assert queue_refs() == [ticket.ref]


def test_a_stale_message_with_nothing_left_to_change_still_lands(aws):
    ticket, _ = new()
    stale = tickets.get_ticket(ticket.ticket_id)
    tickets.assign(ticket.ticket_id, "tech-ana", "dev-csr", NOW)
    tickets.add_message(stale, direction="inbound", author="resident", body="Thanks!", now=LATER)
    fresh = tickets.get_ticket(ticket.ticket_id)
    assert (fresh.status, fresh.assignee) == ("new", "tech-ana")
    assert [m.body for m in tickets.thread(ticket.ticket_id)][-1] == "Thanks!"


def test_status_changes_follow_the_lifecycle_and_are_audited(aws):
    ticket, _ = new()
    with pytest.raises(Invalid, match="^status must be one of new, acknowledged, in_progress, waiting_on_resident, "
                                      "resolved, closed$"):
        tickets.change_status(ticket.ticket_id, "done", "dev-csr", NOW)
    same = tickets.change_status(ticket.ticket_id, "new", "dev-csr", NOW)
    assert same.version == ticket.version and trail(ticket.ticket_id)[-1][1] == "created"  # nothing to do

    resolved = tickets.change_status(ticket.ticket_id, "resolved", "dev-csr", LATER, note="fixed the track")
    assert (resolved.status, resolved.resolved_at, resolved.version) == ("resolved", iso(LATER), ticket.version + 1)
    assert trail(ticket.ticket_id)[-1] == ("dev-csr", "status", {"from": "new", "to": "resolved",
                                                                  "note": "fixed the track"})
    assert queue_refs() == []
    with pytest.raises(Invalid, match="^a resolved ticket cannot become waiting_on_resident$"):
        tickets.change_status(ticket.ticket_id, "waiting_on_resident", "dev-csr", LATER)

    reopened = tickets.change_status(ticket.ticket_id, "in_progress", "dev-mgr", LATER)
    assert (reopened.status, reopened.resolved_at) == ("in_progress", None)
    assert trail(ticket.ticket_id)[-1] == ("dev-mgr", "reopened", {"from": "resolved", "to": "in_progress"})
    assert queue_refs() == [ticket.ref]


def test_closing_and_reopening_a_ticket(aws):
    ticket, _ = new()
    closed = tickets.change_status(ticket.ticket_id, "closed", "dev-csr", NOW)
    assert (closed.status, closed.resolved_at) == ("closed", None)
    assert trail(ticket.ticket_id)[-1] == ("dev-csr", "status", {"from": "new", "to": "closed"})
    assert tickets.change_status(ticket.ticket_id, "in_progress", "dev-csr", LATER).status == "in_progress"
    assert trail(ticket.ticket_id)[-1][1] == "reopened"
    waiting = tickets.change_status(ticket.ticket_id, "waiting_on_resident", "dev-csr", LATER)
    assert waiting.status == "waiting_on_resident" and trail(ticket.ticket_id)[-1][1] == "status"


def test_a_status_change_keeps_the_ticket_in_its_place_in_the_queue(aws):
    older, _ = new("The closet door came off the track", now=NOW - timedelta(hours=2))
    newer, _ = new("Blinds are broken", now=NOW - timedelta(hours=1))
    tickets.change_status(older.ticket_id, "in_progress", "dev-csr", NOW)
    assert queue_refs() == [older.ref, newer.ref]


def test_a_stale_status_change_is_refused(aws):
    ticket, _ = new()
    tickets.assign(ticket.ticket_id, "tech-ana", "dev-csr", NOW)
    with pytest.raises(Conflict, match=rf"^ticket {ticket.ref} changed \(version {ticket.version + 1}, you had {ticket.version}\); "
                                          "reload and try again$"):
        tickets.change_status(ticket.ticket_id, "in_progress", "dev-csr", NOW, expected_version=ticket.version)
    assert tickets.get_ticket(ticket.ticket_id).status == "new"
    current = tickets.get_ticket(ticket.ticket_id).version
    assert tickets.change_status(ticket.ticket_id, "in_progress", "dev-csr", NOW,
                                 expected_version=current).status == "in_progress"


def test_assignment_is_recorded_and_can_be_cleared(aws):
    ticket, _ = new()
    assigned = tickets.assign(ticket.ticket_id, "tech-ana", "dev-csr", NOW)
    assert (assigned.assignee, assigned.version, assigned.updated_at) == (
        "tech-ana", ticket.version + 1, "2026-11-18T15:30:00.000Z")
    assert trail(ticket.ticket_id)[-1] == ("dev-csr", "assigned", {"from": None, "to": "tech-ana"})
    cleared = tickets.assign(ticket.ticket_id, "", "dev-mgr", LATER)
    assert cleared.assignee is None and cleared.updated_at == "2026-11-18T16:30:00.000Z"
    assert trail(ticket.ticket_id)[-1] == ("dev-mgr", "assigned", {"from": "tech-ana", "to": None})
    with pytest.raises(Conflict, match="reload"):
        tickets.assign(ticket.ticket_id, "tech-ben", "dev-csr", LATER, expected_version=ticket.version)
    assert tickets.get_ticket(ticket.ticket_id).assignee is None


def test_tier_moves_are_recorded_and_only_tiers_one_and_two_exist(aws):
    ticket, _ = new()
    for bad in (0, 3):
        with pytest.raises(Invalid, match="^tier must be 1 or 2$"):
            tickets.set_tier(ticket.ticket_id, bad, "dev-csr", NOW)
    moved = tickets.set_tier(ticket.ticket_id, 2, "dev-mgr", NOW)
    assert (moved.tier, moved.version) == (2, ticket.version + 1)
    assert trail(ticket.ticket_id)[-1] == ("dev-mgr", "tier", {"from": 1, "to": 2})
    assert tickets.set_tier(ticket.ticket_id, 1, "dev-mgr", LATER).tier == 1
    with pytest.raises(Conflict, match="reload"):
        tickets.set_tier(ticket.ticket_id, 2, "dev-csr", LATER, expected_version=ticket.version)
    assert tickets.get_ticket(ticket.ticket_id).tier == 1


def someone_else_writes_after_each_read(monkeypatch):
    """Every read of the ticket is followed by another CSR's write, before the reader can write."""
    from chalicelib.models import Ticket
    real_get, reads = tickets.get_ticket, []

    def racing_get(ticket_id):
        current = real_get(ticket_id)
        reads.append(ticket_id)
        other = Ticket.get(ticket_id, consistent_read=True)
        other.update(actions=[Ticket.assignee.set(f"tech-{len(reads)}")])
        return current

    monkeypatch.setattr(tickets, "get_ticket", racing_get)
    return reads


def test_a_message_that_keeps_losing_the_race_is_refused_in_the_end(aws, monkeypatch):
    ticket, _ = new()
    stale = tickets.get_ticket(ticket.ticket_id)
    tickets.assign(ticket.ticket_id, "tech-ana", "dev-csr", NOW)
    reads = someone_else_writes_after_each_read(monkeypatch)
    with pytest.raises(Conflict, match=f"^ticket {ticket.ref} was changed by someone else; reload and try again$"):
        tickets.add_message(stale, direction="inbound", author="resident", body="Hello?", now=LATER)
    monkeypatch.undo()
    # the first attempt used the copy it was given, then one re-read before each further attempt
    assert len(reads) == tickets.WRITE_ATTEMPTS - 1
    assert [m.body for m in tickets.thread(ticket.ticket_id)] == ["The closet door came off the track"]


def test_two_csrs_assigning_at_once_the_later_is_told_to_reload(aws, monkeypatch):
    ticket, _ = new()
    someone_else_writes_after_each_read(monkeypatch)
    with pytest.raises(Conflict, match=f"^ticket {ticket.ref} was changed by someone else; reload and try again$"):
        tickets.assign(ticket.ticket_id, "tech-ben", "dev-csr", NOW)
    monkeypatch.undo()
    assert tickets.get_ticket(ticket.ticket_id).assignee == "tech-1"
    assert [a[1] for a in trail(ticket.ticket_id)] == ["created"]


def test_triage_result_passed_through_unchanged(aws):
    result = Triage("complaint", "routine", "none", "en", ["complaint words matched"])
    ticket, _ = tickets.create_ticket(property_id="sunset-villas", channel="chat", text="Rude staff",
                                      result=result, contact=tickets.Requester(), author="r", now=NOW)
    # Complaints are answered within one business hour (Sunset Villas opens 09:00 in Los Angeles).
    assert ticket.first_response_due == utc(2026, 11, 18, 18)
    assert (ticket.category, ticket.reasons) == ("complaint", ["complaint words matched"])


def test_tickets_that_move_on_at_the_same_moment_are_all_paged_through(aws):
    made = [new(f"Cabinet hinge {i} is loose")[0] for i in range(4)]  # all created at the same instant
    for t in made:
        tickets.change_status(t.ticket_id, "waiting_on_resident", "dev-csr", LATER)
    for t in made[:2]:  # two residents write back, two tickets are taken up by staff
        tickets.add_message(tickets.get_ticket(t.ticket_id), direction="inbound", author="resident", body="Any time",
                            now=LATER)
    for t in made[2:]:
        tickets.change_status(t.ticket_id, "in_progress", "dev-csr", LATER)
    assert sorted(paged_one_by_one()) == sorted(t.ref for t in made)


def paged_one_by_one() -> list[str]:
    """Every open ticket's ref, a page of one at a time, following the cursor."""
    seen, cursor = [], None
    while True:
        page, cursor = tickets.open_queue(["maple-court"], None, 1, cursor)
        seen += [t.ref for t in page]
        if not cursor:
            return seen


def test_a_second_ticket_with_the_same_id_never_overwrites_the_first(aws):
    first, _ = new("The closet door came off the track", ticket_id="01SAMEIDFORBOTHATTEMPTS00")
    with pytest.raises(Conflict):
        new("Blinds are broken", ticket_id="01SAMEIDFORBOTHATTEMPTS00")
    kept = tickets.get_ticket("01SAMEIDFORBOTHATTEMPTS00")
    assert (kept.ref, kept.summary) == (first.ref, "The closet door came off the track")
    assert [m.body for m in tickets.thread(first.ticket_id)] == ["The closet door came off the track"]


def test_a_ticket_a_resident_moves_on_keeps_its_place_in_the_queue(aws):
    older, _ = new("The closet door came off the track", now=NOW - timedelta(hours=2))
    newer, _ = new("Blinds are broken", now=NOW - timedelta(hours=1))
    tickets.change_status(older.ticket_id, "waiting_on_resident", "dev-csr", NOW)
    tickets.add_message(tickets.get_ticket(older.ticket_id), direction="inbound", author="resident",
                        body="Any time after 3 works.", now=LATER)
    assert tickets.get_ticket(older.ticket_id).status == "in_progress"
    assert queue_refs() == [older.ref, newer.ref]


def test_new_tickets_from_the_same_moment_are_all_paged_through(aws):
    made = [new(f"Cabinet hinge {i} is loose")[0] for i in range(3)]  # all created at the same instant
    assert sorted(paged_one_by_one()) == sorted(t.ref for t in made)


def test_raising_urgency_moves_the_ticket_up_the_queue_and_refer_is_kept(aws):
    older, _ = new("The closet door came off the track", now=NOW)
    newer, _ = new("No hot water since yesterday", now=NOW + timedelta(minutes=5))
    gas, _ = new("I smell gas in the kitchen", now=NOW + timedelta(minutes=6))
    assert gas.refer == "emergency_services"
    assert queue_refs() == [gas.ref, newer.ref, older.ref]
    tickets.update(older, {"urgency": "emergency"}, "triage", "urgency_raised", LATER)
    assert queue_refs() == [older.ref, gas.ref, newer.ref]  # emergencies first, then oldest
    tickets.update(tickets.get_ticket(older.ticket_id), {"status": "resolved"}, "dev-csr", "status", LATER)
    assert older.ref not in queue_refs()


def test_an_audit_entry_written_without_a_time_does_not_break_reading_the_trail(aws):
    """The acknowledgement page reads the trail to learn who was paged; one malformed state machine entry
    (once seen on the twin) must not turn every later press of "I'm on it" into a 500."""
    ticket, _ = new()
    aws.client("dynamodb").put_item(TableName=tickets.AuditEntry.Meta.table_name, Item={
        "pk": {"S": ticket.ticket_id}, "sk": {"S": "AUD#2026-11-30T09:00:00+00:00#x"},
        "actor": {"S": "escalation"}, "action": {"S": "paged"}, "detail": {"S": '{"person_id": "tech-ben"}'}})
    entries = tickets.audit_trail(ticket.ticket_id)
    assert [a.action for a in entries][-1] == "paged" and entries[-1].detail["person_id"] == "tech-ben"


def test_a_status_change_without_a_version_survives_a_system_write_racing_it(aws, monkeypatch):
    ticket, _ = new()
    stale = tickets.get_ticket(ticket.ticket_id)
    tickets.assign(ticket.ticket_id, "ana", "system", NOW)  # lands between the CSR's read and write
    reads, real = iter([stale]), tickets.get_ticket
    monkeypatch.setattr(tickets, "get_ticket", lambda ticket_id: next(reads, None) or real(ticket_id))
    resolved = tickets.change_status(ticket.ticket_id, "resolved", "dev-csr", LATER)
    assert (resolved.status, resolved.assignee, resolved.resolved_at) == ("resolved", "ana", iso(LATER))
    with pytest.raises(Conflict):  # with a version the CSR said "only if nothing changed": it did
        fresh = real(ticket.ticket_id)
        tickets.change_status(ticket.ticket_id, "in_progress", "dev-csr", LATER, expected_version=fresh.version - 1)
