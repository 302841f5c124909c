"""Telling a property's managers something needs them (SLA breaches, low satisfaction)."""
from __future__ import annotations

from chalicelib.core import aws
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import texts


def person(property_id: str, who, subject: str, text: str) -> bool:
    """An email to one staff member (a message a caller left for them); False when they have no email."""
    prop = properties.get_property(property_id)
    if not who.email or not prop.inbox:
        return False
    aws.client("ses").send_email(Source=prop.inbox, Destination={"ToAddresses": [who.email]},
                                 Message={"Subject": {"Data": subject[:200]}, "Body": {"Text": {"Data": text}}})
    return True


def managers(property_id: str, subject: str, text: str, sms: bool = True) -> list[str]:
    prop = properties.get_property(property_id)
    told = []
    for person in properties.staff(property_id):
        if person.role != "manager":
            continue
        if sms and person.phone:
            texts.send(person.phone, f"{subject}: {text}"[:1500], origination=texts.number_of(property_id), kind="alert")
            told.append(person.phone)
        if person.email and prop.inbox:
            aws.client("ses").send_email(Source=prop.inbox, Destination={"ToAddresses": [person.email]},
                                         Message={"Subject": {"Data": subject[:200]}, "Body": {"Text": {"Data": text}}})
            told.append(person.email)
    return told
