"""What we say to residents, in their language (English or Spanish)."""
from datetime import datetime

from chalicelib.rules.calendar import Calendar, is_open, local_label, next_open
from chalicelib.rules.service_levels import TIME_TO_HUMAN, minutes

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
    "person_in_danger": {
        "en": "Call 911 now if you haven't: someone may be in danger. Stay somewhere safe and don't confront "
              "anyone. We have also alerted our on-call team, who can bring keys and building access "
              "(ticket {ref}).",
        "es": "Llame al 911 ahora si no lo ha hecho: alguien puede estar en peligro. Quédese en un lugar seguro y "
              "no enfrente a nadie. También avisamos a nuestro equipo de guardia, que puede traer llaves y dar "
              "acceso al edificio (reporte {ref}).",
    },
    "emergency": {
        "en": "We're treating this as an emergency (ticket {ref}). Our on-call technician is being paged now and "
              "will call you back within {callback_minutes} minutes. If it's safe, shut off the water valve and keep away from "
              "electrical outlets. If anyone is in danger, call 911.",
        "es": "Estamos tratando esto como una emergencia (reporte {ref}). Estamos localizando al técnico de guardia "
              "y le llamará en menos de {callback_minutes} minutos. Si es seguro, cierre la llave de paso del agua y aléjese de los "
              "enchufes. Si alguien está en peligro, llame al 911.",
    },
    "utility": {
        "en": "This looks like an outage in the area, which the utility has to fix: please report it to "
              "{utility}{utility_phone}. We've logged it on ticket {ref} and will keep an eye on the building.",
        "es": "Parece un apagón en la zona, que debe arreglar la compañía de luz: por favor repórtelo a "
              "{utility}{utility_phone}. Lo registramos en el reporte {ref} y estaremos pendientes del edificio.",
    },
    "redacted": {
        "en": "For your safety we removed the {what} from your message and did not keep it. Please never send "
              "payment or identity details here: pay rent in the resident portal or at the office.",
        "es": "Por su seguridad quitamos de su mensaje {what} y no lo guardamos. Por favor nunca envíe datos de "
              "pago o de identidad por aquí: pague la renta en el portal de residentes o en la oficina.",
    },
    "redacted_card": {"en": "card number", "es": "el número de tarjeta"},
    "redacted_card_details": {"en": "card details", "es": "los datos de la tarjeta"},
    "redacted_ssn": {"en": "Social Security number", "es": "el número de seguro social"},
    "redacted_bank": {"en": "bank account details", "es": "los datos bancarios"},
    "safety_no": {
        "en": "Thank you. We'll handle ticket {ref} as a regular request. If anything changes or gets worse, "
              "tell us here or call {emergency_line}.",
        "es": "Gracias. Atenderemos el reporte {ref} como una solicitud normal. Si algo cambia o empeora, "
              "díganos aquí o llame al {emergency_line}.",
    },
    # Texts: at most two segments (rules/texting.py), so shorter than the chat and email wording; Spanish
    # accents make a text UCS-2 (67 characters a segment), hence the plainer words where meaning allows.
    "sms_emergency": {
        "en": "Emergency logged ({ref}). On call is being paged and will call you within {callback_minutes} min. "
              "If safe, shut off the water valve. Anyone in danger: call 911.",
        "es": "Emergencia registrada ({ref}). Le llamara el tecnico de guardia en {callback_minutes} min. Si es "
              "seguro, cierre la llave del agua. Si hay peligro: 911.",
    },
    "sms_utility": {
        "en": "This looks like an area outage: please report it to {utility}{utility_phone}. Logged as {ref}.",
        "es": "Parece un apagon en la zona: reportelo a {utility}{utility_phone}. Registrado como {ref}.",
    },
    "sms_received_open": {
        "en": "Thanks, we opened ticket {ref}. The office is open: a team member will text you back shortly.",
        "es": "Gracias, abrimos el reporte {ref}. La oficina esta abierta: alguien le respondera pronto.",
    },
    "sms_received_closed": {
        "en": "Thanks, we opened ticket {ref}. The office is closed; we'll reply after it opens ({opens}). "
              "Emergency? Text us or call {emergency_line}.",
        "es": "Gracias, abrimos el reporte {ref}. La oficina esta cerrada; respondemos al abrir ({opens}). "
              "Emergencia? Escribanos o llame al {emergency_line}.",
    },
    "sms_help": {
        "en": "{property}: text us about your home here. Office: {phone}{email}. Emergencies: {emergency_line}. "
              "Reply STOP to stop texts.",
        "es": "{property}: escribanos aqui sobre su hogar. Oficina: {phone}{email}. Emergencias: "
              "{emergency_line}. Responda ALTO para no recibir textos.",
    },
    "visit_proposed": {
        "en": "{property}: a technician can come {window} ({ref}). Reply 1 to confirm, 2 for another time.",
        "es": "{property}: un tecnico puede ir {window} ({ref}). Responda 1 para confirmar, 2 para otra hora.",
    },
    "visit_links": {
        "en": "Confirm this time: {confirm}\nAsk for another time: {other}\n(or reply 1 or 2 to this email)",
        "es": "Confirmar esta hora: {confirm}\nPedir otra hora: {other}\n(o responda 1 o 2 a este correo)",
    },
    "visit_link_page": {
        "en": "Repair visit {window}, ticket {ref}",
        "es": "Visita de reparación {window}, reporte {ref}",
    },
    "visit_link_confirm": {"en": "Confirm this time", "es": "Confirmar esta hora"},
    "visit_link_other": {"en": "Ask for another time", "es": "Pedir otra hora"},
    "visit_confirmed": {
        "en": "Confirmed: {window} ({ref}). We'll remind you the evening before and an hour before.",
        "es": "Confirmado: {window} ({ref}). Le recordaremos la noche antes y una hora antes.",
    },
    "visit_alternatives": {
        "en": "Other times: {choices}. Reply with the number, or 0 if none fits.",
        "es": "Otras horas: {choices}. Responda con el numero, o 0 si ninguna le sirve.",
    },
    "visit_no_fit": {
        "en": "No problem: the office will contact you to find a time that works ({ref}).",
        "es": "Sin problema: la oficina le contactara para buscar una hora ({ref}).",
    },
    "visit_reminder_evening_before": {
        "en": "Reminder: a technician comes tomorrow {window} ({ref}).",
        "es": "Recordatorio: un tecnico va manana {window} ({ref}).",
    },
    "visit_reminder_hour_before": {
        "en": "Reminder: a technician comes in about an hour, {window} ({ref}).",
        "es": "Recordatorio: un tecnico llega en una hora aprox., {window} ({ref}).",
    },
    "visit_en_route": {
        "en": "{technician} is on the way for your repair ({ref}).",
        "es": "{technician} va en camino para su reparacion ({ref}).",
    },
    "visit_no_access": {
        "en": "We could not get in for your repair today ({ref}). The office will contact you to rebook.",
        "es": "No pudimos entrar hoy para su reparacion ({ref}). La oficina le contactara para otra cita.",
    },
    "visit_cancelled": {
        "en": "Your repair visit {window} is cancelled ({ref}). The office will be in touch.",
        "es": "Su visita {window} esta cancelada ({ref}). La oficina le contactara.",
    },
    "visit_fixed_question": {
        "en": "Was it fixed? Reply 1 yes, 2 no ({ref}).",
        "es": "Se arreglo? Responda 1 si, 2 no ({ref}).",
    },
    "visit_fixed_yes": {"en": "Great, thank you ({ref}).", "es": "Excelente, gracias ({ref})."},
    "visit_fixed_no": {
        "en": "Sorry it is not fixed: we reopened ticket {ref} and will follow up.",
        "es": "Lo sentimos: reabrimos el reporte {ref} y le daremos seguimiento.",
    },
    "sms_stopped": {
        "en": "{property}: you will get no more texts from us. Reply START to get them again.",
        "es": "{property}: no recibira mas textos nuestros. Responda START para recibirlos de nuevo.",
    },
    "sms_started": {
        "en": "{property}: texts are back on. Reply STOP to stop, HELP for help.",
        "es": "{property}: los textos estan activos de nuevo. Responda ALTO para parar, AYUDA para ayuda.",
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
    "prospect_tour": {
        "en": "Thanks for your interest in {property}! {listing}Our leasing team will answer your questions here "
              "(ticket {ref}). You can book a tour right now: {link}",
        "es": "¡Gracias por su interés en {property}! {listing}Nuestro equipo de arrendamiento responderá sus "
              "preguntas aquí (reporte {ref}). Puede reservar una visita ahora mismo: {link}",
    },
    "prospect_tour_email": {
        "en": "{listing}Would you like to see the apartment? Book a tour yourself here: {link}",
        "es": "{listing}¿Le gustaría ver el apartamento? Reserve una visita usted mismo aquí: {link}",
    },
    "prospect_tour_sms": {
        "en": "{property}: thanks for asking! Book a tour yourself: {link} {listing}",
        "es": "{property}: gracias por su interés. Reserve una visita: {link} {listing}",
    },
    "call_prospect": {
        "en": "Thank you for calling about renting at {property}. Your reference is {ref}. We have just texted you "
              "what is available and a link to book a tour yourself. Connecting you to our leasing team now.",
        "es": "Gracias por llamar para rentar en {property}. Su número de reporte es {ref}. Le acabamos de enviar "
              "un mensaje de texto con lo disponible y un enlace para reservar una visita. Le comunicamos ahora "
              "con nuestro equipo de arrendamiento.",
    },
    "kb_answer": {
        "en": "{title}\n{text}\nRead it all: {link}\nDid this answer your question? (Ticket {ref}: reply here if you "
              "still need help.)",
        "es": "{title}\n{text}\nLéalo completo: {link}\n¿Respondió esto a su pregunta? (Reporte {ref}: responda aquí "
              "si todavía necesita ayuda.)",
    },
    "kb_helped": {
        "en": "Glad it helped! Ticket {ref} is closed; write here any time you need us.",
        "es": "¡Qué bueno que le sirvió! El reporte {ref} queda cerrado; escríbanos aquí cuando nos necesite.",
    },
    "kb_not_helped": {
        "en": "Sorry it didn't. Someone from the office will reply here on ticket {ref}.",
        "es": "Lamentamos que no le haya servido. Alguien de la oficina le responderá aquí en el reporte {ref}.",
    },
    "kb_suggested": {
        "en": "While you wait, these articles may answer your question:",
        "es": "Mientras espera, estos artículos pueden responder su pregunta:",
    },
    "follow_up": {
        "en": "Hi, this is {property}'s team following up on ticket {ref}: is everything working as it should now? "
              "Reply here if not and we'll pick it up again.",
        "es": "Hola, le escribe el equipo de {property} para dar seguimiento al reporte {ref}: ¿todo funciona bien "
              "ahora? Si no, responda aquí y lo retomamos.",
    },
    # --- the satisfaction survey, once a ticket is resolved (lifecycle/survey.py) ---
    "survey_chat": {
        "en": "Ticket {ref} is marked resolved. How satisfied are you with the help you got, from 1 (not at all) "
              "to 5 (very)? And how likely are you to recommend {property} to a friend, from 0 to 10? You can "
              "answer right here, once.",
        "es": "El reporte {ref} quedó resuelto. ¿Qué tan satisfecho está con la ayuda que recibió, del 1 (nada) al "
              "5 (mucho)? ¿Y qué tan probable es que recomiende {property} a un amigo, del 0 al 10? Puede "
              "responder aquí mismo, una sola vez.",
    },
    "survey_email": {
        "en": "Ticket {ref} is marked resolved. How satisfied are you with the help you got? Choose one:\n\n"
              "{links}\n\nEach link opens a short page where you can also tell us more. It works for "
              "{days} days.",
        "es": "El reporte {ref} quedó resuelto. ¿Qué tan satisfecho está con la ayuda que recibió? Elija una "
              "opción:\n\n{links}\n\nCada enlace abre una página breve donde también puede contarnos más. "
              "Funciona durante {days} días.",
    },
    "survey_score_names": {
        "en": "1 very dissatisfied|2 dissatisfied|3 neutral|4 satisfied|5 very satisfied",
        "es": "1 muy insatisfecho|2 insatisfecho|3 neutral|4 satisfecho|5 muy satisfecho",
    },
    "survey_sms": {
        "en": "{property}: ticket {ref} is resolved. How did we do? {link} Reply STOP to opt out.",
        "es": "{property}: el reporte {ref} quedó resuelto. ¿Cómo lo hicimos? {link} Responda STOP para no "
              "recibir más mensajes.",
    },
    "survey_question_csat": {
        "en": "How satisfied are you with the help you got on ticket {ref}? (1 not at all, 5 very)",
        "es": "¿Qué tan satisfecho está con la ayuda que recibió en el reporte {ref}? (1 nada, 5 mucho)",
    },
    "survey_question_nps": {
        "en": "How likely are you to recommend {property} to a friend? (0 not at all, 10 extremely)",
        "es": "¿Qué tan probable es que recomiende {property} a un amigo? (0 nada, 10 totalmente)",
    },
    "survey_comment": {"en": "Anything else you want to tell us? (optional)", "es": "¿Algo más que quiera contarnos? "
                                                                                    "(opcional)"},
    "survey_send": {"en": "Send", "es": "Enviar"},
    "survey_thanks": {
        "en": "Thank you: your answer on ticket {ref} is recorded.",
        "es": "Gracias: su respuesta sobre el reporte {ref} quedó registrada.",
    },
    # --- on the phone (Connect reads these aloud; the flow plays whatever the Lambda returns) ---
    "call_greeting": {
        "en": "Thank you for calling {property}.",
        "es": "Gracias por llamar a {property}.",
    },
    "call_known": {
        "en": " Hello {name}.",
        "es": " Hola {name}.",
    },
    "call_open_ticket": {
        "en": " We see your open ticket {ref}: {summary}.",
        "es": " Vemos su reporte abierto {ref}: {summary}.",
    },
    "call_menu": {
        "en": "For an emergency such as flooding, no heat, or a gas smell, press 1. For a maintenance request, "
              "press 2. For leasing, press 3. For rent and billing, press 4. To leave a message for a specific "
              "person, press 5. For anything else, press 0.",
        "es": "Para una emergencia, como una inundación, falta de calefacción u olor a gas, oprima 1. Para una "
              "solicitud de mantenimiento, oprima 2. Para arrendamiento, oprima 3. Para renta y pagos, oprima 4. "
              "Para dejar un mensaje a una persona, oprima 5. Para cualquier otra cosa, oprima 0.",
    },
    "call_describe": {
        "en": "Please tell us briefly what is going on, and your apartment number.",
        "es": "Por favor díganos brevemente qué está pasando y el número de su apartamento.",
    },
    "call_person": {
        "en": "Please say the name of the person you want to reach, and then your message.",
        "es": "Por favor diga el nombre de la persona que busca y después su mensaje.",
    },
    "call_invalid": {
        "en": "Sorry, I didn't catch that.",
        "es": "Perdón, no le entendí.",
    },
    "call_page": {
        "en": "We are treating this as an emergency, reference {ref}. Our on-call technician is being paged now "
              "and will call you back within {callback_minutes} minutes. If anyone is in danger, hang up and call 911.",
        "es": "Estamos tratando esto como una emergencia, reporte {ref}. Estamos localizando al técnico de guardia "
              "y le llamará en menos de {callback_minutes} minutos. Si alguien está en peligro, cuelgue y llame al 911.",
    },
    "call_patch": {
        "en": "Please stay on the line: we are connecting you now to {name}, our on-call technician.",
        "es": "Por favor no cuelgue: le estamos comunicando ahora con {name}, nuestro técnico de guardia.",
    },
    "call_emergency_queue": {
        "en": "We are treating this as an emergency, reference {ref}. You are first in line for the next team "
              "member, and our on-call technician is being paged as well. If anyone is in danger, call 911.",
        "es": "Estamos tratando esto como una emergencia, reporte {ref}. Usted es el primero en la fila para el "
              "próximo miembro del equipo, y también estamos localizando al técnico de guardia. Si alguien está en "
              "peligro, llame al 911.",
    },
    "call_put_through": {
        "en": "Please hold: we are putting you through to {name} now.",
        "es": "Un momento, por favor: le comunicamos ahora con {name}.",
    },
    "call_person_missed": {
        "en": "{name} can't take your call right now. We have passed your message on to {name}, who will call "
              "you back. Your reference is {ref}. Goodbye.",
        "es": "{name} no puede atender su llamada ahora. Le pasamos su mensaje a {name}, que le devolverá la "
              "llamada. Su número de reporte es {ref}. Adiós.",
    },
    "call_911": {
        "en": "This could be dangerous. Hang up now, leave the apartment, and call 911 from outside. Do not use "
              "light switches or anything that could spark. We have also alerted our on-call team, reference {ref}.",
        "es": "Esto puede ser peligroso. Cuelgue ahora, salga del apartamento y llame al 911 desde afuera. No use "
              "interruptores ni nada que pueda hacer chispa. También avisamos a nuestro equipo de guardia, "
              "reporte {ref}.",
    },
    "call_utility": {
        "en": "This sounds like an outage in the area, which the utility has to fix. Please report it to "
              "{utility}{utility_phone}. We have logged your call as reference {ref}.",
        "es": "Parece un apagón en la zona, que debe arreglar la compañía de luz. Por favor repórtelo a "
              "{utility}{utility_phone}. Registramos su llamada con el reporte {ref}.",
    },
    "call_queue": {
        "en": "Thank you. Your reference is {ref}. Connecting you to our {team} team now.",
        "es": "Gracias. Su número de reporte es {ref}. Le comunicamos ahora con nuestro equipo de {team}.",
    },
    "call_message": {
        "en": "Thank you, we have taken your message{for_whom}, reference {ref}. The office is closed now; we will "
              "call you back after it opens, {opens}. If this is an emergency, call again and press 1.",
        "es": "Gracias, tomamos su mensaje{for_whom}, reporte {ref}. La oficina está cerrada ahora; le llamaremos "
              "cuando abra, {opens}. Si es una emergencia, llame otra vez y oprima 1.",
    },
    "call_message_open": {
        "en": "Thank you, we have taken your message{for_whom}, reference {ref}. Someone will call you back today.",
        "es": "Gracias, tomamos su mensaje{for_whom}, reporte {ref}. Alguien le llamará hoy.",
    },
    "call_for_whom": {
        "en": " for {name}",
        "es": " para {name}",
    },
    "call_in_queue": {
        "en": "Everyone on our team is helping other residents right now. Please stay on the line; your reference "
              "is {ref}.",
        "es": "Todo nuestro equipo está atendiendo a otros residentes. Por favor no cuelgue; su número de reporte "
              "es {ref}.",
    },
    "call_position": {
        "en": "You are number {position} in line.",
        "es": "Usted es el número {position} en la fila.",
    },
    "call_offer_callback": {
        "en": "To hang up and have us call you back, press 1. To leave a message instead, press 2.",
        "es": "Para colgar y que le llamemos, oprima 1. Para dejar un mensaje, oprima 2.",
    },
    "call_callback_done": {
        "en": "We will call you back at this number as soon as someone is free. Goodbye.",
        "es": "Le llamaremos a este número en cuanto alguien esté disponible. Adiós.",
    },
    "call_hold": {
        "en": "Thank you for waiting. Someone will be with you shortly.",
        "es": "Gracias por esperar. Alguien le atenderá en breve.",
    },
}


def say(key: str, language: str, **values) -> str:
    texts = TEXTS[key]
    return texts.get(language, texts["en"]).format(callback_minutes=minutes(TIME_TO_HUMAN), **values)


def redaction_notice(kinds: list[str], language: str) -> str:
    """What was removed from the resident's message ("the card number, card details and SSN")."""
    order = ("card", "card_details", "ssn", "bank")
    items = [say(f"redacted_{k}", language) for k in sorted(kinds, key=order.index)]
    joined = items[0] if len(items) == 1 else \
        f"{', '.join(items[:-1])} {'y' if language == 'es' else 'and'} {items[-1]}"
    return say("redacted", language, what=joined)


def acknowledgement(cal: Calendar, now: datetime, language: str, ref: str, emergency_line: str | None) -> str:
    if is_open(cal, now):
        return say("received_open", language, ref=ref)
    opens = next_open(cal, now)
    label = local_label(cal, opens, language) if opens else "—"
    return say("received_closed", language, ref=ref, opens=label, emergency_line=emergency_line or "911")


def triage_reply(refer: str, urgency: str, language: str, ref: str, utility: str | None = None,
                 utility_phone: str | None = None, category: str = "maintenance") -> str | None:
    """The immediate reply a triage outcome calls for, or None when a normal acknowledgement will do.
    Danger to people (category general) gets 911 advice without the gas-leak instructions."""
    if refer == "emergency_services" and category == "general":
        return say("person_in_danger", language, ref=ref)
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


def sms_reply(refer: str, urgency: str, language: str, ref: str, utility: str | None = None,
              utility_phone: str | None = None, category: str = "maintenance") -> str | None:
    """triage_reply in the words of a text (the 911 advice is short enough as it is)."""
    if refer == "utility":
        fallback = "la compania de luz" if language == "es" else "your electric utility"
        return say("sms_utility", language, ref=ref, utility=utility or fallback,
                   utility_phone=f" ({utility_phone})" if utility_phone else "")
    if refer == "none" and urgency == "emergency":
        return say("sms_emergency", language, ref=ref)
    return triage_reply(refer, urgency, language, ref, utility, utility_phone, category)


def sms_acknowledgement(cal: Calendar, now: datetime, language: str, ref: str, emergency_line: str | None) -> str:
    if is_open(cal, now):
        return say("sms_received_open", language, ref=ref)
    opens = next_open(cal, now)
    label = local_label(cal, opens, language) if opens else "-"
    return say("sms_received_closed", language, ref=ref, opens=label, emergency_line=emergency_line or "911")
