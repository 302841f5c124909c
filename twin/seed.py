"""The demo portfolio every twin starts with: two properties in different time zones, on-call staff
subscribed to emergency pages, and a small EN/ES knowledge base. Safe to run again (puts overwrite)."""
from chalicelib.core import settings
from chalicelib.models import EscalationPolicy, KnowledgeArticle, Lookup, Person, Property, Resident, Rotation, keys
from chalicelib.models.keys import property_pk
from twin.connect import hours_arn

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

PROPERTIES = [
    dict(sk="maple-court", name="Maple Court Apartments", timezone="America/New_York",
         hours={**{d: [["08:00", "17:00"]] for d in WEEKDAYS}, "sat": [["10:00", "14:00"]]},
         holiday_country="US", holiday_subdiv="NY", closures=["2026-12-24"],
         phone_numbers=["+12125550100"], inbox="help@maplecourt.example", office_email="office@maplecourt.example",
         emergency_line="+12125550199", utility_name="Con Edison", utility_phone="+18005550123",
         tours=dict(length_minutes=30, buffer_minutes=15, min_notice_minutes=120, horizon_days=30, parties_at_once=2)),
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

KNOWLEDGE = [
    ("en", "office-hours", "When is the office open?", ["office hours", "hours", "open", "office"],
     "The leasing office is open Monday to Friday 8:00–17:00 and Saturday 10:00–14:00 (closed on public holidays)."),
    ("es", "office-hours", "¿Cuál es el horario de la oficina?", ["horario", "oficina", "abierta", "abre"],
     "La oficina está abierta de lunes a viernes de 8:00 a 17:00 y los sábados de 10:00 a 14:00 (cerrada en días "
     "festivos)."),
    ("en", "pay-rent", "How do I pay rent?", ["pay rent", "rent", "autopay", "portal", "payment"],
     "Pay rent online in the resident portal (Payments > Make a payment); you can set up autopay there too. Money "
     "orders go in the drop box by the office door."),
    ("es", "pay-rent", "¿Cómo pago la renta?", ["pagar", "renta", "pago", "portal", "automatico"],
     "Pague la renta en línea en el portal de residentes (Pagos > Hacer un pago); ahí también puede activar el pago "
     "automático. Los giros postales van en el buzón junto a la puerta de la oficina."),
    ("en", "packages", "Where do I pick up packages?", ["package", "packages", "pick up", "parcel", "delivery"],
     "Packages are held in the parcel lockers by the mailroom; you get a code by text when one arrives."),
    ("es", "packages", "¿Dónde recojo mis paquetes?", ["paquete", "paquetes", "recojo", "recoger", "entrega"],
     "Los paquetes quedan en los casilleros junto al cuarto de correo; le llega un código por mensaje de texto."),
    ("en", "pool", "When is the pool open?", ["pool", "swim", "swimming", "open", "hours"],
     "The pool is open daily 9:00–21:00 from Memorial Day to Labor Day."),
    ("es", "pool", "¿Cuándo abre la piscina?", ["piscina", "alberca", "nadar", "abierta", "abre"],
     "La piscina abre todos los días de 9:00 a 21:00 desde Memorial Day hasta Labor Day."),
    ("en", "guest-parking", "Where can guests park?", ["guest parking", "guest", "guests", "visitor", "park"],
     "Guests can park in the marked visitor spaces by the clubhouse for up to 48 hours."),
    ("es", "guest-parking", "¿Dónde estacionan las visitas?", ["visitas", "estacionamiento", "estacionar", "invitados"],
     "Las visitas pueden estacionarse en los espacios marcados junto a la casa club hasta 48 horas."),
]


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
    for language, slug, question, keywords, answer in KNOWLEDGE:
        KnowledgeArticle(property_pk(keys.EVERY_PROPERTY), keys.article_sk(language, slug), language=language, question=question,
                         keywords=keywords, answer=answer).save()
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
