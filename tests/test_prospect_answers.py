"""A prospect is answered at once on their own channel, in their language, with what the property has to rent
(its listing: the plan asked about first) and a link to book a tour: chat, email, text, and a caller who chose
the leasing option (texted the same, and told so). Through the real entry points on the in-process twin.

Maple Court's listing (seed): one-bedroom $1,725 (1 now), two-bedroom $2,150 (2 from December 15),
three-bedroom $2,900 (none). NOW is Wednesday 18 November, 10:30 in New York."""
from datetime import date
from email.message import EmailMessage

import pytest

from chalicelib.rules import listing
from chalicelib.rules.texting import segments
from tests.conftest import chat, sent_mail, sent_sms, wait_for

PLANS = listing.plans_from([dict(bedrooms=1, bathrooms=1, rent=1725, available=1),
                            dict(bedrooms=2, bathrooms=1.5, rent=2150, available=2, available_from="2026-12-15"),
                            dict(bedrooms=3, bathrooms=2, rent=2900, available=0)])
TODAY = date(2026, 11, 18)


@pytest.mark.parametrize("text,bedrooms", [
    ("Is the two-bedroom still available?", 2), ("any 2br units?", 2), ("3 bed 2 bath?", 3),
    ("¿Tienen departamento de dos recámaras?", 2), ("busco un estudio", 0), ("do you have apartments?", None),
    ("a 1-bedroom for January", 1), ("I have 2 dogs", None)])
def test_the_bedrooms_a_message_asks_about(text, bedrooms):
    assert listing.bedrooms_asked(text) == bedrooms


def test_the_plan_asked_about_comes_first_and_a_missing_one_is_said():
    assert listing.summary(PLANS, 2, "en", TODAY).startswith(
        "Two-bedroom, 1.5 bath: 2 available from December 15, $2,150 a month; One-bedroom")
    assert listing.summary(PLANS, 3, "en", TODAY).startswith("We have no three-bedroom available right now. One")
    assert listing.summary(PLANS, 2, "es", TODAY).startswith(
        "Dos recámaras, 1.5 baños: 2 disponibles desde el 15 de diciembre, $2,150 al mes;")
    assert listing.summary(PLANS, None, "en", date(2026, 12, 20)).endswith("2 available now, $2,150 a month.")
    assert listing.summary([], 2, "en", TODAY) is None


@pytest.mark.parametrize("stored", [[{"bedrooms": 2}], [dict(bedrooms=9, bathrooms=1, rent=1, available=1)],
                                    [dict(bedrooms=1, bathrooms=1, rent=-5, available=1)]])
def test_a_listing_configured_wrong_is_refused(stored):
    with pytest.raises(ValueError):
        listing.plans_from(stored)


@pytest.mark.integration
def test_a_chat_prospect_hears_what_is_available_and_how_to_book(client):
    answer, _ = chat(client, "Is the two-bedroom still available? Can I see it Saturday?")
    reply = answer["messages"][-1]["body"]
    assert "Two-bedroom, 1 bath: 2 available from December 15, $2,150 a month" in reply
    assert reply.index("Two-bedroom") < reply.index("One-bedroom") and "/tours/maple-court/book" in reply
    spanish, _ = chat(client, "¿Está disponible el departamento de dos recámaras? ¿Puedo verlo el sábado?")
    assert "Dos recámaras, 1 baño: 2 disponibles desde el 15 de diciembre" in spanish["messages"][-1]["body"]
    assert "/tours/maple-court/book?lang=es" in spanish["messages"][-1]["body"]


@pytest.mark.integration
def test_an_email_prospect_gets_the_listing_in_the_acknowledgement(aws):
    from tests.test_email import receive
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Tom <tom@example.com>", "help@maplecourt.example", "3BR?"
    message["Message-ID"] = "<three-bedroom@example.com>"
    message.set_content("Do you have a 3 bedroom available? We would like to schedule a tour.")
    receive(aws, message.as_bytes())
    (ack,) = [m for m in sent_mail(aws) if m["To"] == "tom@example.com"]
    body = ack.get_body(("plain",)).get_content()
    assert "We have no three-bedroom available right now." in body and "$1,725 a month" in body
    assert "/tours/maple-court/book" in body


@pytest.mark.integration
def test_a_text_from_a_prospect_is_answered_with_the_link_first_in_two_segments(aws):
    from twin import sms
    sms.receive(aws, "hi is the 2 bedroom still available? can i see it saturday", "+12125550166", "+12125550100")
    wait_for(lambda: [b for to, b in sent_sms(aws) if to == "+12125550166"])
    (answer,) = [b for to, b in sent_sms(aws) if to == "+12125550166"]
    assert answer.startswith("Maple Court Apartments: thanks for asking! Book a tour yourself: http")
    assert "/tours/maple-court/book" in answer and "Two-bedroom" in answer
    assert segments(answer)[0] == "GSM-7" and segments(answer)[1] <= 2


@pytest.mark.integration
def test_a_caller_choosing_leasing_is_texted_the_listing_and_the_booking_link(aws):
    from tests.test_phone import heard, ring, ticket_of
    connect, contact, _ = ring(aws, ["1", "3"], "hi I'm calling to see if the two bedroom is available for a tour",
                               caller="+12125550167")
    assert ticket_of(contact).role == "prospect"
    assert "We have just texted you what is available and a link to book a tour" in heard(connect)
    assert contact.queue.endswith("/queue/leasing")
    wait_for(lambda: [b for to, b in sent_sms(aws) if to == "+12125550167"], seconds=30)
    (text,) = [b for to, b in sent_sms(aws) if to == "+12125550167"]
    assert "/tours/maple-court/book" in text and "Two-bedroom" in text
    resident, contact, _ = ring(aws, ["1", "3"], "I would like to renew my lease")
    assert "Connecting you to our leasing team" in heard(resident)
