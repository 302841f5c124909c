"""Telling a property's managers something needs them (SLA breaches, low satisfaction)."""
from __future__ import annotations

from chalicelib.core import aws
from chalicelib.tickets import portfolio as properties


def managers(property_id: str, subject: str, text: str, sms: bool = True) -> list[str]:
    prop = properties.get_property(property_id)
    told = []
    for person in properties.staff(property_id):
        if person.role != "manager":
            continue
        if sms and person.phone:
            aws.client("sns").publish(PhoneNumber=person.phone, Message=f"{subject}: {text}"[:1500])
            told.append(person.phone)
        if person.email and prop.inbox:
            aws.client("ses").send_email(Source=prop.inbox, Destination={"ToAddresses": [person.email]},
                                         Message={"Subject": {"Data": subject[:200]}, "Body": {"Text": {"Data": text}}})
            told.append(person.email)
    return told
