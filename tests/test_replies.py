"""What residents are told, word for word, in English and Spanish: acknowledgements with the office's
opening time, the replies a triage outcome calls for, and the email acknowledgement."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.rules import replies
from chalicelib.rules.calendar import Calendar

NY = ZoneInfo("America/New_York")
CAL = Calendar("America/New_York", {d: [["08:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}, "US", "NY")
NEVER_OPEN = Calendar("America/New_York", {}, None)
OPEN = datetime(2026, 11, 18, 10, tzinfo=NY)  # Wednesday
CLOSED = datetime(2026, 11, 20, 19, tzinfo=NY)  # Friday evening: opens Monday 08:00


def test_chat_acknowledgement_when_the_office_is_open():
    assert replies.acknowledgement(CAL, OPEN, "en", "TL-AB12", "+12125550100") == (
        "Thanks, we've opened ticket TL-AB12. The office is open and a team member will reply here shortly.")
    assert replies.acknowledgement(CAL, OPEN, "es", "TL-AB12", None) == (
        "Gracias, abrimos el reporte TL-AB12. La oficina está abierta y alguien del equipo le responderá aquí "
        "en breve.")


def test_chat_acknowledgement_when_closed_says_when_it_opens_and_how_to_report_an_emergency():
    assert replies.acknowledgement(CAL, CLOSED, "en", "TL-AB12", "+12125550100") == (
        "Thanks, we've opened ticket TL-AB12. The office is closed right now; we'll reply after it opens "
        "(Mon 08:00). For an emergency, tell us here or call +12125550100.")
    assert replies.acknowledgement(CAL, CLOSED, "es", "TL-AB12", None) == (
        "Gracias, abrimos el reporte TL-AB12. La oficina está cerrada ahora; le responderemos cuando abra "
        "(lun 08:00). Si es una emergencia, díganoslo aquí o llame al 911.")
    assert replies.acknowledgement(NEVER_OPEN, CLOSED, "en", "TL-AB12", None) == (
        "Thanks, we've opened ticket TL-AB12. The office is closed right now; we'll reply after it opens "
        "(—). For an emergency, tell us here or call 911.")


def test_a_language_without_texts_gets_english():
    assert replies.say("added", "fr", ref="TL-1") == "Got it, we've added that to ticket TL-1."
    assert replies.say("added", "es", ref="TL-1") == "Entendido, lo agregamos al reporte TL-1."


def test_danger_gets_the_leave_and_call_911_reply_whatever_the_urgency():
    assert replies.triage_reply("emergency_services", "emergency", "en", "TL-9") == (
        "This could be dangerous. Leave the apartment now, and call 911 from outside. Don't use light switches, "
        "lighters or anything that could spark. We have also alerted our on-call team (ticket TL-9).")
    assert replies.triage_reply("emergency_services", "routine", "es", "TL-9").startswith(
        "Esto puede ser peligroso. Salga del apartamento ahora")


def test_an_area_outage_is_referred_to_the_utility():
    assert replies.triage_reply("utility", "urgent", "en", "TL-9", "Con Edison", "1-800-752-6633") == (
        "This looks like an outage in the area, which the utility has to fix: please report it to "
        "Con Edison (1-800-752-6633). We've logged it on ticket TL-9 and will keep an eye on the building.")
    assert replies.triage_reply("utility", "urgent", "en", "TL-9") == (
        "This looks like an outage in the area, which the utility has to fix: please report it to "
        "your electric utility. We've logged it on ticket TL-9 and will keep an eye on the building.")
    assert replies.triage_reply("utility", "emergency", "es", "TL-9") == (
        "Parece un apagón en la zona, que debe arreglar la compañía de luz: por favor repórtelo a "
        "la compañía de luz. Lo registramos en el reporte TL-9 y estaremos pendientes del edificio.")


def test_other_emergencies_get_the_on_call_reply_and_everything_else_none():
    assert replies.triage_reply("none", "emergency", "en", "TL-9").startswith(
        "We're treating this as an emergency (ticket TL-9). Our on-call technician is being paged now")
    assert replies.triage_reply("none", "emergency", "es", "TL-9").startswith(
        "Estamos tratando esto como una emergencia (reporte TL-9).")
    assert replies.triage_reply("none", "urgent", "en", "TL-9") is None
    assert replies.triage_reply("none", "routine", "en", "TL-9") is None


def test_email_acknowledgement_for_routine_mail_while_open():
    assert replies.email_acknowledgement(CAL, OPEN, "en", "TL-AB12", "Maple Court", "+12125550100", "routine",
                                         "Rosa") == (
        "Hello Rosa,\n\nThanks for writing to Maple Court. We've opened ticket TL-AB12 for your message; keep "
        "TL-AB12 in the subject when you reply so it reaches the same ticket.\n\n"
        "The office is open now: a team member will answer today.\n\n— Maple Court")


def test_email_acknowledgement_for_urgent_mail_while_closed_gives_the_emergency_line():
    assert replies.email_acknowledgement(CAL, CLOSED, "en", "TL-AB12", "Maple Court", "+12125550100", "urgent",
                                         None) == (
        "Hello,\n\nThanks for writing to Maple Court. We've opened ticket TL-AB12 for your message; keep "
        "TL-AB12 in the subject when you reply so it reaches the same ticket.\n\n"
        "The office is closed right now; we'll reply after it opens (Mon 08:00).\n\n"
        "If this is an emergency, call our emergency line now: +12125550100. If you smell gas or see fire or smoke, "
        "leave the building and call 911.\n\n— Maple Court")


@pytest.mark.parametrize("cal, now, expected_when", [
    (CAL, CLOSED, "La oficina está cerrada en este momento; le responderemos cuando abra (lun 08:00)."),
    (NEVER_OPEN, CLOSED, "La oficina está cerrada en este momento; le responderemos cuando abra (—)."),
    (CAL, OPEN, "La oficina está abierta: alguien del equipo le responderá hoy."),
])
def test_email_acknowledgement_in_spanish(cal, now, expected_when):
    assert replies.email_acknowledgement(cal, now, "es", "TL-AB12", "Maple Court", None, "emergency", "Rosa") == (
        "Hola Rosa:\n\nGracias por escribir a Maple Court. Abrimos el reporte TL-AB12 con su mensaje; mantenga "
        f"TL-AB12 en el asunto al responder para que llegue al mismo reporte.\n\n{expected_when}\n\n"
        "Si es una emergencia, llame ahora a nuestra línea de emergencias: 911. Si huele a gas o ve fuego o humo, "
        "salga del edificio y llame al 911.\n\n— Maple Court")


@pytest.mark.parametrize("language, promise", [("en", "within 30 minutes"), ("es", "en menos de 30 minutos")])
def test_the_emergency_reply_promises_the_service_levels_call_back_time(language, promise):
    assert promise in replies.say("emergency", language, ref="TL-AB12")
    assert promise in replies.say("call_page", language, ref="TL-AB12")
