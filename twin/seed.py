"""The demo portfolio every twin starts with: two properties in different time zones, on-call staff
subscribed to emergency pages, and the help center's EN/ES starter set (twin/help/*.md). Safe to run again
(puts overwrite, the help articles too)."""
from datetime import datetime, timezone
from pathlib import Path

from chalicelib.core import settings
from chalicelib.models import EscalationPolicy, Lookup, Person, Property, Resident, Rotation, keys
from chalicelib.models.keys import property_pk
from chalicelib.tickets import help_files
from twin.connect import hours_arn

HELP_ARTICLES = Path(__file__).resolve().parent / "help"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

PROPERTIES = [
    dict(sk="maple-court", name="Maple Court Apartments", timezone="America/New_York",
         hours={**{d: [["08:00", "17:00"]] for d in WEEKDAYS}, "sat": [["10:00", "14:00"]]},
         holiday_country="US", holiday_subdiv="NY", closures=["2026-12-24"],
         phone_numbers=["+12125550100"], inbox="help@maplecourt.example", office_email="office@maplecourt.example",
         emergency_line="+12125550199", utility_name="Con Edison", utility_phone="+18005550123",
         tours=dict(length_minutes=30, buffer_minutes=15, min_notice_minutes=120, horizon_days=30, parties_at_once=2,
                    self_guided=dict(schedule={"sun": [["12:00", "16:00"]]},
                                     access_note={"en": "Lockbox at the leasing office door, code 4417. The model "
                                                        "apartment is 1C; please put the key back when you leave.",
                                                  "es": "Caja de llaves en la puerta de la oficina, codigo 4417. El "
                                                        "apartamento modelo es el 1C; deje la llave al salir."})),
         owners=["ruth.okafor@harborholdings.example"], vendors=["dispatch@brightflowplumbing.example"],
         lead_sources={"zillow@maplecourt.example": "Zillow"},
         listing=[dict(bedrooms=1, bathrooms=1, rent=1725, available=1),
                  dict(bedrooms=2, bathrooms=1, rent=2150, available=2, available_from="2026-12-15"),
                  dict(bedrooms=3, bathrooms=2, rent=2900, available=0)]),
    dict(sk="sunset-villas", name="Sunset Villas", timezone="America/Los_Angeles",
         hours={d: [["09:00", "18:00"]] for d in WEEKDAYS},
         holiday_country="US", holiday_subdiv="CA", closures=[],
         phone_numbers=["+13105550100"], inbox="help@sunsetvillas.example", office_email="office@sunsetvillas.example",
         emergency_line="+13105550199", utility_name="Southern California Edison", utility_phone="+18005550456"),
]

STAFF = {
    "maple-court": [
        ("tech-ana", "Ana Ruiz", "technician", "+12125550111", "ana.ruiz@maplecourt.example"),
        ("tech-ben", "Ben Okafor", "technician", "+12125550112", "ben.okafor@maplecourt.example"),
        ("tech-chen", "Chen Li", "technician", "+12125550113", "chen.li@maplecourt.example"),
        ("mgr-dana", "Dana Whitfield", "manager", "+12125550114", "dana.whitfield@maplecourt.example"),
        ("lease-rosa", "Rosa Díaz", "leasing", "+12125550115", "rosa.diaz@maplecourt.example"),
        ("lease-sam", "Sam Patel", "leasing", "+12125550116", "sam.patel@maplecourt.example"),
    ],
    "sunset-villas": [
        ("tech-eli", "Eli Navarro", "technician", "+13105550111", "eli.navarro@sunsetvillas.example"),
        ("mgr-fay", "Fay Morgan", "manager", "+13105550114", "fay.morgan@sunsetvillas.example"),
    ],
}

# Maple Court's leasing agents give tours (rules/tours.py; tour settings on the property): Rosa on weekdays
# and Saturday 10-14, Sam Tuesday to Friday and Saturday 11-14, with 26 December off. So Saturday's first
# slot (10:00) has one agent and the later ones two.
TOUR_SCHEDULES = {
    "lease-rosa": ({**{d: [["09:00", "12:00"], ["13:00", "17:00"]] for d in WEEKDAYS}, "sat": [["10:00", "14:00"]]},
                   []),
    "lease-sam": ({**{d: [["10:00", "18:00"]] for d in ("tue", "wed", "thu", "fri")}, "sat": [["11:00", "14:00"]]},
                  ["2026-12-26"]),
}

# Residents the offices know by phone: `simulate call` rings from Maria's number unless told otherwise.
RESIDENTS = {
    "maple-court": [("+12125550142", "María López", "4B", "es"), ("+12125550143", "James Carter", "2A", "en")],
    "sunset-villas": [("+13105550142", "Priya Shah", "12", "en")],
}
DEMO_CALLER = RESIDENTS["maple-court"][0][0]
# Residents who agreed to automated texts (satisfaction surveys by SMS after a call); the others did not.
SMS_CONSENT = {"+12125550142", "+13105550142"}

# Maple Court: the three technicians take weekly turns (hand-off Monday 08:00); the backup is the next
# week's technician; Dana, the manager, is obliged to answer (guaranteed) and is paged by minute 20.
ROTATIONS = {
    "maple-court": [
        ("primary", "Maintenance on call", ["tech-ana", "tech-ben", "tech-chen"], "2026-01-05"),
        ("backup", "Maintenance backup", ["tech-ben", "tech-chen", "tech-ana"], "2026-01-05"),
    ],
    "sunset-villas": [("primary", "Maintenance on call", ["tech-eli"], "2026-01-05")],
}
POLICIES = {
    "maple-court": dict(tiers=[
        {"name": "On-call technician", "targets": [{"rotation": "primary"}], "channels": ["sms", "email"],
         "window_minutes": 10, "guaranteed": False},
        {"name": "Backup technician", "targets": [{"rotation": "backup"}], "channels": ["sms", "email"],
         "window_minutes": 10, "guaranteed": False},
        {"name": "Property manager", "targets": [{"person": "mgr-dana"}], "channels": ["sms", "email"],
         "window_minutes": 10, "guaranteed": True},
    ], repeat=2, managers=["mgr-dana"]),
    "sunset-villas": dict(tiers=[
        {"name": "On-call technician", "targets": [{"rotation": "primary"}], "channels": ["sms"],
         "window_minutes": 15, "guaranteed": False},
        {"name": "Property manager", "targets": [{"person": "mgr-fay"}], "channels": ["sms", "email"],
         "window_minutes": 15, "guaranteed": True},
    ], repeat=1, managers=["mgr-fay"]),
}


def seed(session) -> dict:
    ses = session.client("ses")
    for data in PROPERTIES:
        Property(**data, connect_hours_arn=hours_arn(data["sk"])).save()
        domain = data["inbox"].split("@")[1]
        Lookup(keys.lookup_pk("INBOX"), data["inbox"], property_id=data["sk"]).save()
        Lookup(keys.lookup_pk("INBOX"), domain, property_id=data["sk"]).save()
        for number in data["phone_numbers"]:
            Lookup(keys.lookup_pk("PHONE"), number, property_id=data["sk"]).save()
        ses.verify_domain_identity(Domain=domain)  # SES sends only from verified identities
        for person_id, name, role, phone, email in STAFF[data["sk"]]:
            schedule, days_off = TOUR_SCHEDULES.get(person_id, (None, []))
            Person(property_pk(data["sk"]), keys.person_sk(person_id), name=name, role=role, phone=phone,
                   email=email, takes_transfers=role == "manager",  # technicians are on call instead
                   schedule=schedule, days_off=days_off).save()
        for phone, name, unit, language in RESIDENTS[data["sk"]]:
            Resident(property_pk(data["sk"]), keys.resident_sk(phone), name=name, unit=unit, language=language,
                     sms_consent=phone in SMS_CONSENT).save()
    for pid, rotations in ROTATIONS.items():
        for rid, name, members, anchor in rotations:
            Rotation(property_pk(pid), keys.rotation_sk(rid), name=name, members=members, every="weekly",
                     handoff_at="08:00", anchor=anchor, overrides=[]).save()
    for pid, policy in POLICIES.items():
        EscalationPolicy(property_pk(pid), keys.policy_sk("emergency"), updated_by="seed", **policy).save()
    # The help center's starter set, published (the same files `manage.py kb import` reads).
    help_files.seed_empty(help_files.read(HELP_ARTICLES), "seed", datetime.now(timezone.utc))
    return _subscribe_on_call(session)


def _subscribe_on_call(session) -> dict:
    """The managers follow the emergencies feed by email (the escalation pages people one by one)."""
    sns = session.client("sns")
    topic = settings.topic_arn("emergencies")
    existing = {(s["Protocol"], s["Endpoint"])
                for s in sns.list_subscriptions_by_topic(TopicArn=topic).get("Subscriptions", [])}
    for _id, _name, role, _phone, email in [s for people in STAFF.values() for s in people]:
        if role == "manager" and ("email", email) not in existing:
            sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=email)
    return {"properties": [p["sk"] for p in PROPERTIES], "emergency_topic": topic}


FIRST_PROPERTY = PROPERTIES[0]["sk"]
