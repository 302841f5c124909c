"""What we say to residents, in their language (English or Spanish)."""
from datetime import datetime

from chalicelib.hours import Calendar, is_open, local_label, next_open

TEXTS = {
    "greeting": {
        "en": "Hi, you've reached {property}. Tell us what's going on and we'll open a ticket for you.",
        "es": "Hola, se ha comunicado con {property}. Cuéntenos qué pasa y abriremos un reporte para usted.",
    },
    "emergency_services": {
        "en": "This could be dangerous. Leave the apartment now, and call 911 from outside. Don't use light "
              "switches, lighters or anything that could spark. We have also alerted our on-call team "
              "(ticket {ref}).",
        "es": "Esto puede ser peligroso. Salga del apartamento ahora y llame al 911 desde afuera. No use "
              "interruptores, encendedores ni nada que pueda hacer chispa. También avisamos a nuestro equipo "
              "de guardia (reporte {ref}).",
    },
    "emergency": {
        "en": "We're treating this as an emergency (ticket {ref}). Our on-call technician is being paged now and "
              "will call you back within 30 minutes. If it's safe, shut off the water valve and keep away from "
              "electrical outlets. If anyone is in danger, call 911.",
        "es": "Estamos tratando esto como una emergencia (reporte {ref}). Estamos localizando al técnico de guardia "
              "y le llamará en menos de 30 minutos. Si es seguro, cierre la llave de paso del agua y aléjese de los "
              "enchufes. Si alguien está en peligro, llame al 911.",
    },
    "utility": {
        "en": "This looks like an outage in the area, which the utility has to fix: please report it to "
              "{utility}{utility_phone}. We've logged it on ticket {ref} and will keep an eye on the building.",
        "es": "Parece un apagón en la zona, que debe arreglar la compañía de luz: por favor repórtelo a "
              "{utility}{utility_phone}. Lo registramos en el reporte {ref} y estaremos pendientes del edificio.",
    },
    "received_open": {
        "en": "Thanks, we've opened ticket {ref}. The office is open and a team member will reply here shortly.",
        "es": "Gracias, abrimos el reporte {ref}. La oficina está abierta y alguien del equipo le responderá aquí "
              "en breve.",
    },
    "received_closed": {
        "en": "Thanks, we've opened ticket {ref}. The office is closed right now; we'll reply after it opens "
              "({opens}). For an emergency, tell us here or call {emergency_line}.",
        "es": "Gracias, abrimos el reporte {ref}. La oficina está cerrada ahora; le responderemos cuando abra "
              "({opens}). Si es una emergencia, díganoslo aquí o llame al {emergency_line}.",
    },
    "email_ack": {
        "en": "Hello{name},\n\nThanks for writing to {property}. We've opened ticket {ref} for your message; keep "
              "{ref} in the subject when you reply so it reaches the same ticket.\n\n{when}\n\n{urgent}"
              "— {property}",
        "es": "Hola{name}:\n\nGracias por escribir a {property}. Abrimos el reporte {ref} con su mensaje; mantenga "
              "{ref} en el asunto al responder para que llegue al mismo reporte.\n\n{when}\n\n{urgent}"
              "— {property}",
    },
    "email_when_open": {
        "en": "The office is open now: a team member will answer today.",
        "es": "La oficina está abierta: alguien del equipo le responderá hoy.",
    },
    "email_when_closed": {
        "en": "The office is closed right now; we'll reply after it opens ({opens}).",
        "es": "La oficina está cerrada en este momento; le responderemos cuando abra ({opens}).",
    },
    "email_emergency": {
        "en": "If this is an emergency, call our emergency line now: {line}. If you smell gas or see fire or smoke, "
              "leave the building and call 911.\n\n",
        "es": "Si es una emergencia, llame ahora a nuestra línea de emergencias: {line}. Si huele a gas o ve fuego o "
              "humo, salga del edificio y llame al 911.\n\n",
    },
    "added": {
        "en": "Got it, we've added that to ticket {ref}.",
        "es": "Entendido, lo agregamos al reporte {ref}.",
    },
    "kb_footer": {
        "en": "\n(Ticket {ref}: reply here if you still need help.)",
        "es": "\n(Reporte {ref}: responda aquí si todavía necesita ayuda.)",
    },
}


def say(key: str, language: str, **values) -> str:
    texts = TEXTS[key]
    return texts.get(language, texts["en"]).format(**values)


def acknowledgement(cal: Calendar, now: datetime, language: str, ref: str, emergency_line: str | None) -> str:
    if is_open(cal, now):
        return say("received_open", language, ref=ref)
    opens = next_open(cal, now)
    label = local_label(cal, opens, language) if opens else "—"
    return say("received_closed", language, ref=ref, opens=label, emergency_line=emergency_line or "911")


def triage_reply(refer: str, urgency: str, language: str, ref: str, utility: str | None = None,
                 utility_phone: str | None = None) -> str | None:
    """The immediate reply a triage outcome calls for, or None when a normal acknowledgement will do."""
    if refer == "emergency_services":
        return say("emergency_services", language, ref=ref)
    if refer == "utility":
        fallback = "la compañía de luz" if language == "es" else "your electric utility"
        return say("utility", language, ref=ref, utility=utility or fallback,
                   utility_phone=f" ({utility_phone})" if utility_phone else "")
    if urgency == "emergency":
        return say("emergency", language, ref=ref)
    return None


def email_acknowledgement(cal: Calendar, now: datetime, language: str, ref: str, property_name: str,
                          emergency_line: str | None, urgency: str, name: str | None) -> str:
    if is_open(cal, now):
        when = say("email_when_open", language)
    else:
        opens = next_open(cal, now)
        when = say("email_when_closed", language, opens=local_label(cal, opens, language) if opens else "—")
    urgent = say("email_emergency", language, line=emergency_line or "911") if urgency != "routine" else ""
    return say("email_ack", language, name=f" {name}" if name else "", property=property_name, ref=ref,
               when=when, urgent=urgent)
