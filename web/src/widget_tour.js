// "Book a tour" inside the chat: opened when the chat's answer offers a tour (the message answer's `tour`).
// Free days and times come from the public GET /tours/{property}/slots, the booking is POST /tours/{property}/bookings.
// The panel is one node kept across the chat's renders (like the log): a live region that is re-created is not
// announced, and a half-filled form must survive a new message arriving.
const DAYS_ASKED = 16; // days looked at (the booking page offers two weeks)
const DAYS_SHOWN = 6; // days with free times listed
const BATCH = 8; // slot requests at once

// The client's own dates, from yesterday: a property west of the visitor may still be on the day before, and a day
// already past answers no slots, so asking one day early costs nothing and misses no day.
function datesFrom(today, count) {
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1 + i);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  });
}

// Times are shown as the server wrote them: ISO 8601 in the property's own time with its offset, so the clock time
// is the property's wherever the visitor is.
const clock = (iso) => iso.slice(11, 16);
function dayName(date, lang, style = "long") {
  const options = style === "long" ? { weekday: "long", month: "long", day: "numeric" } : { weekday: "short", month: "short", day: "numeric" };
  return new Intl.DateTimeFormat(lang, { ...options, timeZone: "UTC" }).format(new Date(`${date}T12:00:00Z`));
}

export function createTourPanel({ el, t, request, withRetry, newId, state, save, campaign }) {
  let days = null; // [{date, slots}] once looked up; not kept across reloads (free times change)
  let loading = false;
  let drawnLang = null;
  const heading = el("h2", { id: "tlw-tour-h", class: "tlw-tour-h", tabindex: "-1" });
  const body = el("div", { class: "tlw-tour-body" });
  const live = el("p", { class: "tlw-tour-live", role: "status", "aria-live": "polite" });
  const node = el("section", { class: "tlw-tour", "aria-labelledby": "tlw-tour-h" }, heading, body, live);
  const tour = () => state.tour;
  const lang = () => state.lang;

  // Results are announced here; one already on screen in the panel (the confirmation, the taken time's offer) is
  // announced without being shown twice.
  function say(text, shown = false) {
    live.classList.toggle("tlw-sr", shown);
    live.textContent = text;
  }
  function keep(changes) { Object.assign(state.tour, changes); save(); draw(); }

  async function loadDays() {
    if (loading) return;
    loading = true;
    draw();
    const found = [];
    const dates = datesFrom(new Date(), DAYS_ASKED);
    try {
      for (let i = 0; i < dates.length && found.length < DAYS_SHOWN; i += BATCH) {
        const answers = await Promise.all(dates.slice(i, i + BATCH).map((date) =>
          request("GET", `/tours/${encodeURIComponent(tour().property_id)}/slots?date=${date}`).then((a) => ({ date, slots: a.slots }))));
        found.push(...answers.filter((a) => a.slots.length));
      }
      days = found.slice(0, DAYS_SHOWN);
      if (!days.some((d) => d.date === tour().day)) tour().day = days[0]?.date || null;
      save();
    } catch (error) {
      days = days || [];
      say(t("tourFailed", { reason: error.message }));
    }
    loading = false;
    draw();
  }

  async function refreshDay(date) {
    try {
      const { slots } = await request("GET", `/tours/${encodeURIComponent(tour().property_id)}/slots?date=${date}`);
      days = (days || []).map((d) => (d.date === date ? { date, slots } : d)).filter((d) => d.slots.length);
    } catch { /* the list stays as it was; the offer below still holds the next free times */ }
  }

  function validate() {
    const f = tour().form;
    if (!tour().start) return ["tourNeedTime", null];
    if (!f.name.trim()) return ["tourNeedName", "tlw-tour-name"];
    if (!f.email.trim() && !f.phone.trim()) return ["tourNeedContact", "tlw-tour-email"];
    return null;
  }

  // One client_request_id per press of Book: a lost answer retried (withRetry) is the same booking, never a second.
  async function book() {
    const problem = validate();
    if (problem) {
      say(t(problem[0]));
      document.getElementById(problem[1] || "tlw-tour-h")?.focus();
      return;
    }
    const f = tour().form;
    const body = { start: tour().start, name: f.name.trim(), email: f.email.trim() || undefined, phone: f.phone.trim() || undefined,
      language: lang(), source: "website widget", campaign, client_request_id: newId() };
    keep({ busy: true });
    say(t("tourBooking"));
    try {
      const booked = await withRetry(() => request("POST", `/tours/${encodeURIComponent(tour().property_id)}/bookings`, body));
      keep({ busy: false, offered: null, booked: { start: booked.start, agent: booked.agent, manage_link: booked.manage_link } });
      say(confirmation(), true);
      document.getElementById("tlw-tour-done")?.focus();
    } catch (error) {
      if (error.status === 409) {
        await refreshDay(body.start.slice(0, 10));
        keep({ busy: false, start: null, offered: (error.data && error.data.next_slots) || [] });
        say(t("tourTaken"), true);
      } else {
        keep({ busy: false });
        say(t("tourFailed", { reason: error.message }));
      }
    }
  }

  const when = (iso) => t("tourAt", { day: dayName(iso.slice(0, 10), lang()), time: clock(iso) });
  const confirmation = () => t("tourBooked", { when: when(tour().booked.start), agent: tour().booked.agent });

  function timeButton(slot, label, id) {
    return el("button", { type: "button", id, class: "tlw-slot", "aria-pressed": String(tour().start === slot.start), text: label,
      disabled: tour().busy, onclick: () => keep({ start: slot.start }) });
  }

  function dayPicker() {
    return el("div", { class: "tlw-days", role: "group", "aria-label": t("tourDays") }, days.map((d) =>
      el("button", { type: "button", id: `tlw-day-${d.date}`, class: "tlw-day", "aria-pressed": String(tour().day === d.date),
        text: dayName(d.date, lang(), "short"), onclick: () => keep({ day: d.date, start: null, offered: null }) })));
  }

  function timePicker() {
    const day = days.find((d) => d.date === tour().day);
    if (!day) return null;
    return el("div", { class: "tlw-times", role: "group", "aria-labelledby": "tlw-times-h" },
      el("h3", { id: "tlw-times-h", class: "tlw-tour-sub", text: t("tourTimes", { day: dayName(day.date, lang()) }) }),
      el("div", { class: "tlw-slots" }, day.slots.map((s) => timeButton(s, clock(s.start), `tlw-slot-${s.start.slice(0, 16)}`))));
  }

  function offer() {
    const offered = tour().offered;
    if (!offered) return null;
    return el("div", { class: "tlw-offer", role: "group", "aria-labelledby": "tlw-offer-h" },
      el("p", { id: "tlw-offer-h", class: "tlw-tour-note", text: offered.length ? t("tourTaken") : t("tourTakenNone") }),
      el("div", { class: "tlw-slots" }, offered.map((s) => timeButton(s, when(s.start), `tlw-offer-${s.start.slice(0, 16)}`))));
  }

  function field(name, type, autocomplete) {
    return el("div", { class: "tlw-field" }, el("label", { for: `tlw-tour-${name}`, text: t(name) }),
      el("input", { id: `tlw-tour-${name}`, type, autocomplete, value: tour().form[name], maxlength: name === "email" ? "254" : "100",
        oninput: (e) => { tour().form[name] = e.target.value; save(); } }));
  }

  function form() {
    return el("form", { class: "tlw-tour-form", onsubmit: (e) => { e.preventDefault(); book(); } },
      el("p", { class: "tlw-tour-hint", text: t("tourContact") }),
      el("div", { class: "tlw-grid" }, field("name", "text", "name"), field("email", "email", "email"), field("phone", "tel", "tel")),
      el("button", { type: "submit", class: "tlw-send tlw-book", disabled: tour().busy,
        text: tour().start ? t("tourBookAt", { when: when(tour().start) }) : t("tourBook") }));
  }

  function booked() {
    const b = tour().booked;
    return el("div", { class: "tlw-booked" },
      el("p", { id: "tlw-tour-done", class: "tlw-tour-done", tabindex: "-1", text: confirmation() }),
      el("p", {}, el("a", { href: b.manage_link, target: "_blank", rel: "noopener", text: t("tourManage") })));
  }

  function draw() {
    if (!tour()) return;
    drawnLang = lang();
    node.lang = lang();
    heading.textContent = t("tourTitle");
    if (tour().booked) body.replaceChildren(booked());
    else if (!days) body.replaceChildren(el("p", { text: t("tourLoading") }));
    else if (!days.length && !tour().offered) body.replaceChildren(el("p", { text: t("tourNone") }));
    else body.replaceChildren(...[el("p", { class: "tlw-tour-hint", text: t("tourPick") }), dayPicker(), timePicker(), offer(), form()].filter(Boolean));
  }

  return {
    node,
    shown: () => !!tour(),
    // Called by every chat render: words follow the chat's language; a reloaded tab looks its free times up again.
    sync() {
      if (!tour()) return;
      if (drawnLang !== lang()) {
        if (drawnLang) say(""); // an announcement in the other language would be read in the wrong voice
        draw();
      }
      if (!days && !loading && !tour().booked) {
        tour().busy = false; // a tab reloaded while booking: the press is over (its answer, if any, was lost)
        loadDays();
      }
    },
    open(offered) {
      if (tour() && tour().property_id === offered.property_id) return false;
      const d = state.details || {};
      state.tour = { property_id: offered.property_id, day: null, start: null, offered: null, booked: null, busy: false,
        form: { name: d.name || "", email: d.email || "", phone: d.phone || "" } };
      save();
      days = null;
      draw();
      loadDays();
      return true;
    },
    focus() { heading.focus(); },
  };
}
