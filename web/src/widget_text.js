// Every word the resident reads, in English and Spanish.
export const TEXT = {
  en: {
    launcher: "Chat with us", title: "Chat with {property}", switchLanguage: "Español",
    switchLanguageLabel: "Cambiar a español", close: "Close chat", conversation: "Conversation",
    details: "Your details (optional)", detailsSent: "Your details", name: "Name", unit: "Unit",
    phone: "Phone", email: "Email", message: "Your message", placeholder: "Describe the problem or ask a question",
    send: "Send", sending: "Sending…", you: "You", assistant: "Tenantline", staff: "{name} (staff)",
    important: "Important", quickReplies: "Quick replies", retrying: "Connection problem: trying again…",
    offline: "Not sent: no connection. It will be sent when you press Send again.",
    failed: "Not sent: {reason}", empty: "Type a message first.", rate: "How likely are you to recommend our help? (0–10)",
    score: "{n} out of 10", unlikely: "0 Not likely", likely: "10 Very likely", thanks: "Thank you for your rating.", finish: "Finish and rate this chat",
    addPhoto: "Add a photo (JPEG, PNG, HEIC; up to 10 MB)", uploading: "Uploading the photo…", photoSent: "Photo added to your ticket.",
    photoType: "That file is not a photo we can take: use JPEG, PNG, WebP, HEIC or GIF.", photoSize: "That photo is over 10 MB.",
    helpful: "Did this answer your question?", yes: "Yes", no: "No",
    tourTitle: "Book a tour", tourPick: "Pick a day, then a time (the property's local time).", tourDays: "Days with free times",
    tourTimes: "Times on {day}", tourLoading: "Looking for free times…", tourAt: "{day} at {time}",
    tourNone: "No free times in the next two weeks: our leasing team will answer you here.",
    tourContact: "Your name, and an email or phone number for the confirmation.", tourBook: "Book the tour",
    tourBookAt: "Book {when}", tourNeedTime: "Pick a time first.", tourNeedName: "Enter your name.",
    tourNeedContact: "Enter an email or a phone number so we can confirm the tour.", tourBooking: "Booking your tour…",
    tourBooked: "Your tour is booked: {when}, with {agent}.", tourManage: "Change or cancel your tour",
    tourTaken: "Sorry, that time was just taken. The next free times:", tourTakenNone: "Sorry, that time was just taken, and no other time is free soon.",
    tourFailed: "Not booked: {reason}",
  },
  es: {
    launcher: "Chatee con nosotros", title: "Chat con {property}", switchLanguage: "English",
    switchLanguageLabel: "Switch to English", close: "Cerrar chat", conversation: "Conversación",
    details: "Sus datos (opcional)", detailsSent: "Sus datos", name: "Nombre", unit: "Apartamento",
    phone: "Teléfono", email: "Correo electrónico", message: "Su mensaje", placeholder: "Describa el problema o haga una pregunta",
    send: "Enviar", sending: "Enviando…", you: "Usted", assistant: "Tenantline", staff: "{name} (personal)",
    important: "Importante", quickReplies: "Respuestas rápidas", retrying: "Problema de conexión: reintentando…",
    offline: "No enviado: sin conexión. Se enviará cuando pulse Enviar de nuevo.",
    failed: "No enviado: {reason}", empty: "Escriba un mensaje primero.", rate: "¿Qué tan probable es que recomiende nuestra ayuda? (0–10)",
    score: "{n} de 10", unlikely: "0 Nada probable", likely: "10 Muy probable", thanks: "Gracias por su calificación.", finish: "Terminar y calificar este chat",
    addPhoto: "Agregar una foto (JPEG, PNG, HEIC; hasta 10 MB)", uploading: "Subiendo la foto…", photoSent: "Foto agregada a su reporte.",
    photoType: "Ese archivo no es una foto que podamos recibir: use JPEG, PNG, WebP, HEIC o GIF.", photoSize: "Esa foto pasa de 10 MB.",
    helpful: "¿Respondió esto a su pregunta?", yes: "Sí", no: "No",
    tourTitle: "Reserve una visita", tourPick: "Elija un día y luego una hora (hora local de la propiedad).", tourDays: "Días con horarios libres",
    tourTimes: "Horarios del {day}", tourLoading: "Buscando horarios libres…", tourAt: "{day} a las {time}",
    tourNone: "No hay horarios libres en las próximas dos semanas: nuestro equipo de arrendamiento le responderá aquí.",
    tourContact: "Su nombre, y un correo electrónico o teléfono para la confirmación.", tourBook: "Reservar la visita",
    tourBookAt: "Reservar: {when}", tourNeedTime: "Elija una hora primero.", tourNeedName: "Escriba su nombre.",
    tourNeedContact: "Escriba un correo electrónico o un teléfono para confirmarle la visita.", tourBooking: "Reservando su visita…",
    tourBooked: "Su visita está reservada: {when}, con {agent}.", tourManage: "Cambiar o cancelar su visita",
    tourTaken: "Lo sentimos, esa hora se acaba de ocupar. Los próximos horarios libres:", tourTakenNone: "Lo sentimos, esa hora se acaba de ocupar y no hay otra libre pronto.",
    tourFailed: "No se reservó: {reason}",
  },
};

export function pickLanguage(languages) {
  for (const tag of languages || []) {
    const base = String(tag).slice(0, 2).toLowerCase();
    if (base === "es" || base === "en") return base;
  }
  return "en";
}
