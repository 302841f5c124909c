// The CSR console (GET /app/console): sign-in, the queue, a ticket and its actions, quarantine, screen pop.
import { finishSignIn, handBackFromPopup, signOutUrl, startSignIn } from "./pkce.js";
import { el, keepFocus } from "./dom.js";
import { initCCP, loadStreams, wireScreenPop } from "./screenpop.js";

const script = document.querySelector("script[src$='console.js']");
const cfg = script.dataset;
const APP = new URL(".", script.src).href; // .../app/
const API = APP.slice(0, -"app/".length - 1);
const AUTH_KEY = "tenantline-console";
const STATUSES = ["new", "acknowledged", "in_progress", "waiting_on_resident", "resolved", "closed"];
const URGENCIES = ["emergency", "urgent", "routine"];
const CHANNELS = ["chat", "voice", "email", "sms"];
const ROLES = ["resident", "prospect", "owner", "vendor", "unknown"]; // rules/roles.py
const REFRESH_MS = Number(cfg.refreshMs || 15000);

const root = document.getElementById("console");
const state = {
  auth: JSON.parse(sessionStorage.getItem(AUTH_KEY) || "null"),
  view: "queue", filters: { property: "", status: "", urgency: "", channel: "", tier: "", assignee: "", role: "" },
  queue: [], properties: new Set(), ticket: null, conflict: null, notice: null, pop: null, drafts: {},
  quarantine: [], report: null, dashboard: null, kb: null, suggestions: {},
  tours: { property: "", date: "", list: null, shown: null, error: null },
};
let refresher = null;

// ---- helpers ------------------------------------------------------------------------------------------
const when = (iso) => (iso ? new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "—");
const label = (s) => String(s || "").replace(/_/g, " ");

async function api(method, path, body) {
  const response = await fetch(API + path, {
    method, headers: { Authorization: `Bearer ${state.auth.token}`, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined });
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) { signOut(); throw new Error("your sign-in has expired"); }
  if (!response.ok) {
    const error = new Error(data.Message || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

function setAuth(auth) {
  state.auth = auth;
  if (auth) sessionStorage.setItem(AUTH_KEY, JSON.stringify(auth)); else sessionStorage.removeItem(AUTH_KEY);
}
function signOut() {
  setAuth(null);
  clearInterval(refresher);
  if (cfg.cognitoDomain && cfg.cognitoClientId) location.assign(signOutUrl(cfg.cognitoDomain, cfg.cognitoClientId));
  else render();
}

// ---- sign-in ------------------------------------------------------------------------------------------
function signInView(error) {
  const parts = [el("h1", { text: "Tenantline console" })];
  if (error) parts.push(el("p", { class: "alert", role: "alert", text: error }));
  if (cfg.cognitoDomain && cfg.cognitoClientId) {
    parts.push(el("button", { type: "button", class: "primary", text: "Sign in with your staff account",
      onclick: async () => {
        const framed = window.top !== window || new URLSearchParams(location.search).get("workspace") === "1";
        try {
          const auth = await startSignIn(cfg.cognitoDomain, cfg.cognitoClientId, framed);
          if (auth) { setAuth(auth); start(); }
        } catch (e) { render(e.message); }
      } }));
  }
  if (cfg.localSignin === "True") {
    const user = el("input", { id: "signin-user", name: "username", autocomplete: "username", value: "dev-csr", required: true });
    const role = el("select", { id: "signin-role", name: "role" }, ["csr", "manager", "admin"].map((r) => el("option", { value: r, text: r })));
    parts.push(el("form", { class: "local-signin", "aria-labelledby": "local-h", onsubmit: async (e) => {
      e.preventDefault();
      const response = await fetch(`${APP}local-signin`, { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: user.value, role: role.value }) });
      const data = await response.json();
      if (!response.ok) return render(data.Message);
      setAuth({ token: data.token, username: data.username, role: data.role });
      start();
    } },
    el("h2", { id: "local-h", text: "Local sign-in (twin only)" }),
    el("p", { class: "warning", text: "This is the local twin: you get a development token, no password. " +
      "Deployed stages have no such sign-in; staff sign in with Cognito." }),
    el("label", { for: "signin-user", text: "Name" }), user,
    el("label", { for: "signin-role", text: "Role" }), role,
    el("button", { type: "submit", class: "primary", text: "Sign in locally" })));
  }
  if (parts.length === 1) parts.push(el("p", { text: "No sign-in is configured (set CSR_COGNITO_DOMAIN and CSR_COGNITO_CLIENT_ID)." }));
  return el("main", { class: "signin" }, parts);
}

// ---- the queue ----------------------------------------------------------------------------------------
function queryString() {
  const f = state.filters;
  const q = new URLSearchParams({ limit: "100" });
  if (f.property) q.set("property", f.property);
  if (f.status && !f.role) q.set("status", f.status); // the API takes one or the other
  if (f.urgency) q.set("urgency", f.urgency);
  if (f.role) q.set("role", f.role); // a role's own queue of open tickets (prospects and owners are not in the working one)
  return q.toString();
}

// Answers can arrive out of order (a filter changed while the first load or a refresh was on its way): only the
// latest request's answer is shown, so an older, unfiltered list never replaces a filtered one.
let queueAsked = 0;
async function loadQueue() {
  const asked = ++queueAsked;
  try {
    const { tickets } = await api("GET", `/tickets?${queryString()}`);
    tickets.forEach((t) => state.properties.add(t.property_id));
    if (asked !== queueAsked) return;
    state.queue = tickets;
    state.queueError = null;
  } catch (error) {
    if (asked === queueAsked) state.queueError = error.message;
  }
}

function visibleQueue() {
  const f = state.filters;
  return state.queue.filter((t) => (!f.channel || t.channel === f.channel) && (!f.tier || String(t.tier) === f.tier) &&
    (!f.assignee || (f.assignee === "me" ? t.assignee === state.auth.username : f.assignee === "none" ? !t.assignee : t.assignee === f.assignee)));
}

function breached(t) {
  const now = Date.now();
  const first = t.first_response_due && !t.first_response_at && Date.parse(t.first_response_due) < now;
  const resolve = t.resolve_due && !t.resolved_at && Date.parse(t.resolve_due) < now;
  return first ? "first response overdue" : resolve ? "resolution overdue" : "";
}

function filterSelect(name, text, options, disabled = false) {
  return el("div", { class: "filter" }, el("label", { for: `f-${name}`, text }),
    el("select", { id: `f-${name}`, disabled, onchange: async (e) => { state.filters[name] = e.target.value; await loadQueue(); render(); } },
      el("option", { value: "", text: "any" }),
      options.map(([value, shown]) => el("option", { value, text: shown, selected: state.filters[name] === value }))));
}

function queueView() {
  const list = visibleQueue();
  const props = [...state.properties].sort().map((p) => [p, p]);
  return el("section", { class: "queue", "aria-labelledby": "queue-h" },
    el("div", { class: "section-head" }, el("h2", { id: "queue-h", text: `Queue (${list.length})` }),
      el("button", { type: "button", onclick: refresh, text: "Refresh" })),
    el("div", { class: "filters", role: "group", "aria-label": "Filters" },
      filterSelect("property", "Property", props),
      // A role's queue is its open tickets: status does not combine with it (the API refuses both).
      filterSelect("status", "Status", STATUSES.map((s) => [s, label(s)]), !!state.filters.role),
      filterSelect("role", "Role", ROLES.map((r) => [r, r])),
      filterSelect("urgency", "Urgency", URGENCIES.map((u) => [u, u])), filterSelect("channel", "Channel", CHANNELS.map((c) => [c, c])),
      filterSelect("tier", "Tier", [["1", "1"], ["2", "2"]]), filterSelect("assignee", "Assignee", [["me", "me"], ["none", "unassigned"]])),
    state.queueError ? el("p", { class: "alert", role: "alert", text: state.queueError }) : null,
    el("ol", { class: "tickets", "aria-label": "Tickets, most urgent first" }, list.map((t) => {
      const late = breached(t);
      return el("li", { class: `ticket-row${state.ticket && state.ticket.id === t.id ? " current" : ""}` },
        el("button", { type: "button", class: "row-button", "data-ticket": t.id, "aria-current": state.ticket && state.ticket.id === t.id ? "true" : null,
          onclick: () => openTicket(t.id) },
          el("span", { class: "row-top" }, el("strong", { text: t.ref }), el("span", { class: `badge u-${t.urgency}`, text: t.urgency }),
            el("span", { class: "badge", text: label(t.status) }), el("span", { class: "chan", text: t.channel })),
          el("span", { class: "summary", text: t.summary || "(no summary)" }),
          el("span", { class: "row-meta" }, `${t.property_id}${t.unit ? " · unit " + t.unit : ""} · ${t.assignee || "unassigned"} · tier ${t.tier} · due ${when(t.first_response_at ? t.resolve_due : t.first_response_due)}`,
            late ? el("span", { class: "late", text: ` · ${late}` }) : null)));
    })));
}

// ---- one ticket ---------------------------------------------------------------------------------------
async function openTicket(id, focus = true) {
  try {
    state.ticket = await api("GET", `/tickets/${encodeURIComponent(id)}`);
    state.conflict = null;
    state.view = "queue";
    loadSuggestions(state.ticket.id);
  } catch (error) {
    state.notice = { kind: "alert", text: `Could not open ${id}: ${error.message}` };
  }
  render();
  if (focus) document.getElementById("ticket-h")?.focus();
}

async function act(path, body, done) {
  const t = state.ticket;
  try {
    await api("POST", `/tickets/${t.id}/${path}`, body);
    state.notice = { kind: "status", text: done };
    await Promise.all([openTicket(t.id, false), loadQueue()]);
  } catch (error) {
    // 409 on a versioned change: someone else changed the ticket first. Other 409s (a channel that cannot
    // take replies, a second rating) are plain errors.
    if (error.status === 409 && body && "version" in body) state.conflict = error.message;
    else state.notice = { kind: "alert", text: error.message };
  }
  render();
  if (state.conflict) document.getElementById("conflict-reload")?.focus();
}

function actionsView(t) {
  const v = t.version;
  const statusSel = el("select", { id: "act-status" }, STATUSES.map((s) => el("option", { value: s, text: label(s), selected: s === t.status })));
  const assignee = el("input", { id: "act-assignee", value: t.assignee || "", autocomplete: "off" });
  const tierSel = el("select", { id: "act-tier" }, [1, 2].map((n) => el("option", { value: n, text: `tier ${n}`, selected: n === t.tier })));
  const csat = el("input", { id: "act-csat", type: "number", min: "1", max: "5", inputmode: "numeric" });
  const roleSel = el("select", { id: "act-role" }, ROLES.map((r) => el("option", { value: r, text: r, selected: r === t.role })));
  return el("section", { class: "actions", "aria-labelledby": "actions-h" },
    el("h3", { id: "actions-h", text: "Actions" }),
    el("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); act("status", { status: statusSel.value, version: v }, `Status set to ${label(statusSel.value)}`); } },
      el("label", { for: "act-status", text: "Status" }), statusSel, el("button", { type: "submit", text: "Set status" })),
    el("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); act("assign", { assignee: assignee.value.trim() || null, version: v }, "Assignee saved"); } },
      el("label", { for: "act-assignee", text: "Assignee" }), assignee, el("button", { type: "submit", text: "Assign" }),
      el("button", { type: "button", text: "Assign to me", onclick: () => act("assign", { assignee: state.auth.username, version: v }, "Assigned to you") })),
    el("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); act("tier", { tier: Number(tierSel.value), version: v }, "Tier saved"); } },
      el("label", { for: "act-tier", text: "Tier" }), tierSel, el("button", { type: "submit", text: "Set tier" })),
    // Who wrote, when the automatic reading got it wrong: the ticket moves to that role's queue.
    el("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); act("role", { role: roleSel.value, version: v }, `Role set to ${roleSel.value}`); } },
      el("label", { for: "act-role", text: "Role" }), roleSel, el("button", { type: "submit", text: "Change role" })),
    el("div", { class: "inline" },
      el("button", { type: "button", class: "primary", text: "Resolve", disabled: ["resolved", "closed"].includes(t.status),
        onclick: () => act("status", { status: "resolved", version: v }, "Resolved") }),
      t.escalation && ["pending", "paging", "flagged"].includes(t.escalation)
        ? el("button", { type: "button", class: "danger", text: "Acknowledge emergency", onclick: () => act("ack", {}, "Acknowledged") }) : null,
      state.auth.role !== "csr" ? el("button", { type: "button", text: "Manager review done", onclick: () => act("review", {}, "Review recorded") }) : null),
    t.csat === null && t.nps === null ? el("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); act("csat", { csat: Number(csat.value) }, "Score recorded"); } },
      el("label", { for: "act-csat", text: "Call-back CSAT (1–5)" }), csat, el("button", { type: "submit", text: "Record" }))
      : el("p", { text: `Survey: CSAT ${t.csat ?? "–"}/5, NPS ${t.nps ?? "–"}/10` }));
}

function threadView(t) {
  return el("section", { "aria-labelledby": "thread-h" }, el("h3", { id: "thread-h", text: "Conversation" }),
    el("ol", { class: "thread" }, t.messages.map((m) => el("li", { class: `msg ${m.direction}${m.automated ? " auto" : ""}` },
      el("div", { class: "msg-head" }, el("strong", { text: m.direction === "inbound" ? (m.author || "resident") : m.automated ? "automatic reply" : m.author }),
        ` · ${m.channel} · ${when(m.created_at)}`),
      m.subject ? el("div", { class: "subject", text: m.subject }) : null,
      el("p", { text: m.body }),
      (m.attachments || []).length ? el("ul", { class: "attachments" }, m.attachments.map((a) => el("li", {},
        el("button", { type: "button", class: "link", text: `${a.name} (${a.content_type}, ${Math.ceil(a.size / 1024)} KiB)`,
          onclick: async () => { const { url } = await api("GET", `/tickets/${t.id}/messages/${m.message_id}/attachments/${a.index}`); window.open(url, "_blank", "noopener"); } })))) : null))));
}

const REPLY_CHANNELS = ["chat", "email"];

function replyView(t) {
  if (!REPLY_CHANNELS.includes(t.channel) || (t.channel === "email" && !t.contact.email)) {
    return el("p", { class: "reply-none", text: `Replies by ${t.channel} are not available here yet: call the resident back` +
      (t.contact.phone ? ` on ${t.contact.phone}.` : ".") });
  }
  const box = el("textarea", { id: "reply-body", rows: "4", oninput: (e) => { state.drafts[t.id] = e.target.value; } });
  box.value = state.drafts[t.id] || "";
  return el("form", { class: "reply", onsubmit: async (e) => {
    e.preventDefault();
    if (!box.value.trim()) return;
    const text = box.value;
    await act("reply", { body: text }, `Reply sent by ${t.channel}`);
    if (!state.conflict && state.notice?.kind === "status") { delete state.drafts[t.id]; render(); }
  } },
  el("label", { for: "reply-body", text: `Reply to the resident (goes out by ${t.channel})` }), box,
  el("button", { type: "submit", class: "primary", text: "Send reply" }), suggestionsView(t, box));
}

// Help articles that may answer this ticket (GET /tickets/{id}/suggestions, the help center's own search, staff
// articles included): "Use" puts the article's text and its link into the reply draft, so tier 1 answers the same way.
async function loadSuggestions(id) {
  try {
    state.suggestions[id] = (await api("GET", `/tickets/${encodeURIComponent(id)}/suggestions`)).articles;
    if (state.ticket?.id === id) render();
  } catch { /* no suggestions is not an error worth a notice */ }
}

function suggestionsView(t, box) {
  const found = state.suggestions[t.id] || [];
  if (!found.length) return null;
  return el("div", { class: "suggestions", role: "group", "aria-label": "Suggested answers" },
    el("h4", { text: "Suggested answers" }),
    el("ul", {}, found.map((a) => el("li", {}, el("strong", { text: a.title }), a.audience === "staff" ? " (staff only)" : "",
      el("p", { text: a.snippet }),
      a.audience === "staff" ? null : el("button", { type: "button", text: `Use “${a.title}”`, onclick: () => {
        box.value = `${box.value ? box.value + "\n\n" : ""}${a.text}\n${a.url}`;
        state.drafts[t.id] = box.value;
        box.focus();
      } })))));
}

const pagesOf = (t) => (t.audit || []).filter((a) => a.action === "paged");

function ticketView() {
  const t = state.ticket;
  if (!t) return el("section", { class: "ticket empty" }, el("p", { text: "Pick a ticket from the queue (j/k to move, Enter to open)." }));
  const proof = t.escalation_proof;
  return el("section", { class: "ticket", "aria-labelledby": "ticket-h" },
    state.conflict ? el("div", { class: "conflict", role: "alert" },
      el("strong", { text: "Someone changed this ticket while you were looking at it." }),
      el("p", { text: "Your change was not applied. Reload to see the ticket as it is now, then try again (your reply draft is kept)." }),
      el("button", { type: "button", id: "conflict-reload", class: "primary", text: "Reload ticket", onclick: () => openTicket(t.id) })) : null,
    el("h2", { id: "ticket-h", tabindex: "-1", text: `${t.ref} · ${t.summary || ""}` }),
    el("dl", { class: "facts" },
      [["Urgency", t.urgency], ["Status", label(t.status)], ["Category", t.category], ["Channel", t.channel],
        ["Property", `${t.property_id}${t.unit ? " · unit " + t.unit : ""}`],
        ["Contact", [t.contact.name, t.contact.phone, t.contact.email].filter(Boolean).join(" · ") || "—"],
        ["Language", t.language], ["Role", t.role || "—"], ["Source", t.source || "—"], ["Tier", t.tier], ["Assignee", t.assignee || "unassigned"], ["Refer", t.refer],
        ["First response due", `${when(t.first_response_due)}${t.first_response_at ? " (answered " + when(t.first_response_at) + ")" : ""}`],
        ["Resolve due", when(t.resolve_due)], ["Escalation", t.escalation || "none"], ["Version", t.version],
        ...Object.entries(t.clocks || {}).map(([name, due]) => [`Clock: ${label(name)}`, when(due)])]
        .map(([k, v]) => [el("dt", { text: k }), el("dd", { text: String(v ?? "—") })])),
    breached(t) ? el("p", { class: "late", text: `SLA: ${breached(t)}` }) : null,
    actionsView(t), replyView(t), threadView(t),
    proof ? el("section", { "aria-labelledby": "proof-h" }, el("h3", { id: "proof-h", text: "Escalation proof" }),
      el("p", { text: `Arrived ${when(proof.arrived_at)}; paging began ${when(proof.escalation_started_at)}; ` +
        (proof.acknowledged_at ? `acknowledged by ${proof.acknowledged_by} at ${when(proof.acknowledged_at)} (${proof.reached_seconds} s, target ${proof.target_seconds} s ${proof.target_met ? "met" : "missed"})` : `not acknowledged yet (${proof.status})`) }),
      pagesOf(t).length ? el("ol", { class: "pages", "aria-label": "Pages sent" }, pagesOf(t).map((a) => el("li", {
        text: `${when(a.at)} · tier ${a.detail.tier} · ${a.detail.name || a.detail.person_id} · ${a.detail.channel}` }))) : null,
      (proof.patches || []).length ? el("ul", {}, proof.patches.map((p) => el("li", { text: `patched: ${JSON.stringify(p)}` }))) : null) : null,
    el("section", { "aria-labelledby": "audit-h" }, el("h3", { id: "audit-h", text: "Audit trail" }),
      el("table", { class: "audit" }, el("thead", {}, el("tr", {}, ["When", "Who", "What", "Detail"].map((h) => el("th", { scope: "col", text: h })))),
        el("tbody", {}, t.audit.map((a) => el("tr", {}, el("td", { text: when(a.at) }), el("td", { text: a.actor }),
          el("td", { text: label(a.action) }), el("td", { class: "detail", text: JSON.stringify(a.detail) })))))));
}

// A connected call the flow made no ticket for: the CSR says what it is about and one is made (and linked
// to the contact, so its timeline reaches it).
function newCallForm(call) {
  const props = new Set([...state.properties, call.property].filter(Boolean));
  const prop = el("select", { id: "call-property" }, [...props].sort().map((p) => el("option", { value: p, text: p, selected: p === call.property })));
  const phone = el("input", { id: "call-phone", type: "tel", value: call.phone || "", autocomplete: "off" });
  const text = el("textarea", { id: "call-text", rows: "2" });
  const button = el("button", { type: "submit", class: "primary", text: "Create ticket" });
  return el("form", { class: "new-call", "aria-labelledby": "new-call-h", onsubmit: async (e) => {
    e.preventDefault();
    button.disabled = true;
    try {
      const made = await api("POST", `/calls/${encodeURIComponent(call.contactId)}/ticket`,
        { property_id: prop.value, phone: phone.value || null, text: text.value });
      state.newCall = null;
      state.pop = `Call connected: ${made.created ? "created" : "opened"} ${made.ref}.`;
      await loadQueue();
      await openTicket(made.id);
    } catch (error) {
      button.disabled = false;
      state.notice = { kind: "alert", text: error.message };
      render();
    }
  } },
  el("h2", { id: "new-call-h", text: "New ticket for this call" }),
  el("div", { class: "inline" }, el("label", { for: "call-property", text: "Property" }), prop,
    el("label", { for: "call-phone", text: "Caller's number" }), phone),
  el("label", { for: "call-text", text: "What is the call about?" }), text, button);
}

// ---- quarantine ---------------------------------------------------------------------------------------
async function loadQuarantine() {
  try {
    state.quarantine = (await api("GET", "/quarantine")).quarantine;
  } catch (error) {
    state.notice = { kind: "alert", text: error.message };
  }
}

function quarantineView() {
  return el("section", { class: "wide", "aria-labelledby": "q-h" }, el("h2", { id: "q-h", text: `Quarantined email (${state.quarantine.length})` }),
    el("table", {}, el("thead", {}, el("tr", {}, ["Received", "Property", "From", "Subject", "Reason", ""].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, state.quarantine.map((q) => el("tr", {}, el("td", { text: when(q.received_at) }), el("td", { text: q.property_id }),
        el("td", { text: q.sender }), el("td", { text: q.subject }), el("td", { text: q.reason }),
        el("td", {}, q.released_at ? [`released by ${q.released_by} `, q.ticket_id ? el("button", { type: "button", class: "link",
          text: "open ticket", onclick: () => openTicket(q.ticket_id) }) : null] : el("button", { type: "button", text: "Release",
          "aria-label": `Release the message from ${q.sender}`,
          onclick: async () => {
            try {
              const out = await api("POST", `/quarantine/${encodeURIComponent(q.id)}/release`);
              state.notice = { kind: "status", text: `Released${out.ref ? " as " + out.ref : out.ticket_id ? " into a ticket" : ""}` };
            } catch (error) { state.notice = { kind: "alert", text: error.message }; }
            await loadQuarantine();
            render();
          } })))))));
}

// ---- reports ------------------------------------------------------------------------------------------
async function loadReport(kind) {
  try {
    state.report = { kind, data: await api("GET", `/reports/${kind}`) };
  } catch (error) {
    state.report = { kind, error: error.message };
  }
  render();
}

function reportView() {
  const r = state.report;
  return el("section", { class: "wide", "aria-labelledby": "r-h" }, el("h2", { id: "r-h", text: "Reports (this month)" }),
    el("div", { class: "inline" }, el("button", { type: "button", text: "Escalations", onclick: () => loadReport("escalations") }),
      el("button", { type: "button", text: "Calls", onclick: () => loadReport("calls") })),
    r ? (r.error ? el("p", { class: "alert", role: "alert", text: r.error }) : reportBody(r)) : null);
}

// Any report: its figures as a list, each list of rows as a table (columns from the rows' keys).
function reportBody(r) {
  const cell = (v) => (v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const entries = Object.entries(r.data);
  const figures = entries.filter(([, v]) => !Array.isArray(v));
  const tables = entries.filter(([, v]) => Array.isArray(v));
  return el("div", { class: "report" }, el("h3", { text: `${r.kind} report` }),
    figures.length ? el("dl", { class: "facts" }, figures.map(([k, v]) => [el("dt", { text: label(k) }), el("dd", { text: cell(v) })])) : null,
    tables.map(([name, rows]) => {
      const columns = [...new Set(rows.flatMap((row) => (row && typeof row === "object" ? Object.keys(row) : ["value"])))];
      return el("table", {}, el("caption", { text: `${label(name)} (${rows.length})` }),
        el("thead", {}, el("tr", {}, columns.map((c) => el("th", { scope: "col", text: label(c) })))),
        el("tbody", {}, rows.map((row) => el("tr", {}, columns.map((c) => el("td", { text: cell(row && typeof row === "object" ? row[c] : row) }))))));
    }));
}

// ---- the managers' dashboard (web/src/dashboard.js, its own bundle with the charting library) -----------
async function openDashboard() {
  if (!state.dashboard) {
    try {
      const { createDashboard } = await import(`${APP}dashboard.js`);
      state.dashboard = createDashboard({
        api, url: (path) => API + path, openTicket, propertyIds: () => [...state.properties],
        fetchAuthed: async (path) => {
          const response = await fetch(API + path, { headers: { Authorization: `Bearer ${state.auth.token}` } });
          if (response.status === 401) { signOut(); throw new Error("your sign-in has expired"); }
          return response;
        } });
    } catch (error) {
      state.notice = { kind: "alert", text: `Could not load the dashboard: ${error.message}` };
      render();
      return;
    }
  }
  render();
  if (!state.dashboard.loaded()) await state.dashboard.load();
}


// ---- the help-article editor (web/src/kb.js, its own bundle) -------------------------------------------
async function openKb() {
  if (!state.kb) {
    try {
      const { createEditor } = await import(`${APP}kb.js`);
      state.kb = createEditor({ api, propertyIds: () => [...state.properties].sort(), role: state.auth.role });
    } catch (error) {
      state.notice = { kind: "alert", text: `Could not load the editor: ${error.message}` };
      render();
      return;
    }
  }
  render();
  if (!state.kb.loaded()) await state.kb.load();
}

// ---- tours: a day's bookings of a property, and their outcome once they have started ----------------------
const pad = (n) => String(n).padStart(2, "0");
const today = () => { const d = new Date(); return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`; };
const clock = (iso) => iso.slice(11, 16); // the server writes the property's own time, with its offset

function openTours() {
  const v = state.tours;
  v.date = v.date || today();
  v.property = v.property || [...state.properties].sort()[0] || "";
  render();
  document.getElementById("tours-h")?.focus();
  if (v.property && !v.list) loadTours();
}

async function loadTours() {
  const v = state.tours;
  v.error = null;
  if (!v.property || !v.date) { v.error = "Choose a property and a date."; render(); return; }
  try {
    const { bookings } = await api("GET", `/tours/${encodeURIComponent(v.property)}/bookings?date=${encodeURIComponent(v.date)}`);
    v.list = bookings;
    v.shown = { property: v.property, date: v.date };
  } catch (error) {
    v.list = null;
    v.error = error.message;
  }
  render();
}

async function markTour(b, status, applied) {
  const v = state.tours;
  try {
    const body = status === "completed" ? { status, applied } : { status };
    await api("POST", `/tours/${encodeURIComponent(v.shown.property)}/bookings/${encodeURIComponent(b.booking_id)}/outcome`, body);
    state.notice = { kind: "status", text: `${b.name || "Tour"} at ${clock(b.start)}: ${label(status)}${body.applied ? " (applied)" : ""}` };
  } catch (error) {
    state.notice = { kind: "alert", text: error.message };
  }
  await loadTours();
}

// The outcome is asked only of a booked tour that has started (the API refuses it before): Completed, with whether
// the prospect applied, or No-show.
function outcomeCell(b) {
  if (b.status !== "booked") return el("td", { text: "—" });
  if (Date.parse(b.start) > Date.now()) return el("td", {}, b.self_guided ? accessControl(b) : "after the tour starts");
  const applied = el("input", { type: "checkbox", id: `applied-${b.booking_id}` });
  const who = `${b.name || "the prospect"} at ${clock(b.start)}`;
  return el("td", {}, el("div", { class: "outcome" },
    el("span", { class: "applied" }, applied, el("label", { for: `applied-${b.booking_id}`, text: "Applied" })),
    el("button", { type: "button", text: "Completed", "aria-label": `Completed: ${who}`, onclick: () => markTour(b, "completed", applied.checked) }),
    el("button", { type: "button", text: "No-show", "aria-label": `No-show: ${who}`, onclick: () => markTour(b, "no_show") })));
}

// A self-guided tour's access note goes only once someone here has checked who booked it and confirmed it.
function accessControl(b) {
  if (b.access_confirmed_at) return "access confirmed: the note goes an hour before";
  return el("button", { type: "button", text: "Confirm access", "aria-label": `Confirm access: ${b.name || "the prospect"} at ${clock(b.start)}`,
    onclick: () => confirmAccess(b) });
}

async function confirmAccess(b) {
  try {
    const done = await api("POST", `/tours/${encodeURIComponent(state.tours.shown.property)}/bookings/${encodeURIComponent(b.booking_id)}/access`, {});
    state.notice = { kind: "status", text: `${b.name || "Tour"} at ${clock(b.start)}: access confirmed, the note goes at ${clock(done.access_due)}` };
  } catch (error) {
    state.notice = { kind: "alert", text: error.message };
  }
  await loadTours();
}

function toursTable(v) {
  if (!v.list.length) return el("p", { text: `No tours at ${v.shown.property} on ${v.shown.date}.` });
  return el("table", { class: "tours" }, el("caption", { text: `Tours at ${v.shown.property} on ${v.shown.date} (${v.list.length})` }),
    el("thead", {}, el("tr", {}, ["Time", "Name", "Agent", "Status", "Outcome"].map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, v.list.map((b) => el("tr", { "data-booking": b.booking_id },
      el("td", { text: `${clock(b.start)}–${clock(b.end)}` }), el("td", { text: b.name || "—" }), el("td", { text: b.self_guided ? "self-guided" : b.agent }),
      el("td", { text: label(b.status) }), outcomeCell(b)))));
}

function toursView() {
  const v = state.tours;
  const property = el("input", { id: "tours-property", list: "tours-properties", value: v.property, autocomplete: "off",
    oninput: (e) => { v.property = e.target.value.trim(); } });
  const day = el("input", { id: "tours-date", type: "date", value: v.date, onchange: (e) => { v.date = e.target.value; } });
  return el("section", { class: "wide", "aria-labelledby": "tours-h" },
    el("h2", { id: "tours-h", tabindex: "-1", text: "Tours" }),
    el("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); loadTours(); } },
      el("label", { for: "tours-property", text: "Property" }), property,
      el("datalist", { id: "tours-properties" }, [...state.properties].sort().map((p) => el("option", { value: p }))),
      el("label", { for: "tours-date", text: "Date" }), day, el("button", { type: "submit", class: "primary", text: "Show tours" })),
    v.error ? el("p", { class: "alert", role: "alert", text: v.error }) : null,
    v.list ? toursTable(v) : null);
}

// ---- the frame ----------------------------------------------------------------------------------------
function tab(view, text) {
  return el("button", { type: "button", class: "tab", "aria-pressed": String(state.view === view), text, onclick: async () => {
    state.view = view;
    state.notice = null;
    if (view === "quarantine") await loadQuarantine();
    if (view === "dashboard") return openDashboard();
    if (view === "kb") return openKb();
    if (view === "tours") return openTours();
    render();
  } });
}

function render(error) {
  if (!state.auth) {
    root.replaceChildren(signInView(error));
    return;
  }
  const restoreFocus = keepFocus();
  const notice = state.notice;
  root.replaceChildren(
    el("header", { class: "top" }, el("h1", { text: "Tenantline console" }),
      el("nav", { "aria-label": "Sections" }, tab("queue", "Queue"), tab("quarantine", "Quarantine"), tab("reports", "Reports"),
        tab("tours", "Tours"), tab("dashboard", "Dashboard"), tab("kb", "Help articles")),
      el("span", { class: "who", text: `${state.auth.username} (${state.auth.role})` }),
      el("button", { type: "button", text: "Sign out", onclick: signOut })),
    el("main", {},
      state.pop ? el("div", { class: "pop", role: "status", text: state.pop }) : null,
      state.newCall ? newCallForm(state.newCall) : null,
      el("p", { class: `notice ${notice ? notice.kind : ""}`, role: notice && notice.kind === "alert" ? "alert" : "status", text: notice ? notice.text : "" }),
      state.view === "queue" ? el("div", { class: "split" }, queueView(), ticketView())
        : state.view === "quarantine" ? quarantineView()
        : state.view === "tours" ? toursView()
          : state.view === "dashboard" ? (state.dashboard ? state.dashboard.node : el("p", { class: "wide", text: "Loading the dashboard…" }))
          : state.view === "kb" ? (state.kb ? state.kb.node : el("p", { class: "wide", text: "Loading the editor…" }))
            : reportView()),
    el("footer", { class: "keys", text: "Keys: j/k next/previous ticket · r reply · s status · / filters · g refresh" }));
  restoreFocus();
  if (state.view === "dashboard") state.dashboard?.shown();
}

async function refresh() {
  await loadQueue();
  if (state.ticket && !state.conflict) {
    try { state.ticket = await api("GET", `/tickets/${state.ticket.id}`); } catch { /* shown on the next action */ }
  }
  render();
}

let ccpStarted = false;
let screenPopWired = false;
async function connectBeside() {
  try {
    if (cfg.connectUrl && !ccpStarted) { // the CCP lives outside the re-rendered part, so its frame is never moved
      ccpStarted = true;
      const connect = await loadStreams(`${APP}streams.js`);
      const host = el("aside", { id: "ccp", class: "ccp", "aria-label": "Amazon Connect softphone" });
      root.after(host);
      document.body.classList.add("with-ccp");
      initCCP(connect, host, cfg.connectUrl);
    }
    if (new URLSearchParams(location.search).get("workspace") === "1" && !screenPopWired) {
      screenPopWired = true; // inside the agent workspace: its SDK, not Streams
      const { wireWorkspace } = await import(`${APP}workspace.js`);
      wireWorkspace(popTicket);
    }
    if (window.connect && !screenPopWired) {
      screenPopWired = true;
      wireScreenPop(window.connect, popTicket);
    }
  } catch (error) {
    state.notice = { kind: "alert", text: error.message };
    render();
  }
}

async function popTicket(pop) {
  if (!pop.ticket) {
    state.pop = `Call connected${pop.caller || pop.phone ? " from " + (pop.caller || pop.phone) : ""}: it has no ticket yet.`;
    state.newCall = pop;
    render();
    document.getElementById("call-text")?.focus();
    return;
  }
  state.newCall = null;
  state.pop = `Call connected${pop.caller ? " from " + pop.caller : ""}: opened ${pop.ref || pop.ticket}.`;
  await openTicket(pop.ticket);
}

function keys(e) {
  if (!state.auth || e.ctrlKey || e.metaKey || e.altKey) return;
  const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
  if (typing) return;
  const list = visibleQueue();
  const at = state.ticket ? list.findIndex((t) => t.id === state.ticket.id) : -1;
  if (e.key === "j" || e.key === "k") {
    const next = list[Math.max(0, Math.min(list.length - 1, at + (e.key === "j" ? 1 : -1)))];
    if (next) openTicket(next.id);
  } else if (e.key === "r") document.getElementById("reply-body")?.focus();
  else if (e.key === "s") document.getElementById("act-status")?.focus();
  else if (e.key === "/") document.getElementById("f-property")?.focus();
  else if (e.key === "g") { if (state.view === "dashboard" && state.dashboard) state.dashboard.load(); else refresh(); }
  else return;
  e.preventDefault();
}

async function start() {
  render();
  await loadQueue();
  render();
  clearInterval(refresher);
  // Live queue, but never under someone's hands: no refresh while a field has the focus.
  refresher = setInterval(() => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName || "");
    if (!document.hidden && state.view === "queue" && !typing) refresh();
  }, REFRESH_MS);
  if (!screenPopWired) connectBeside();
}

async function boot() {
  document.addEventListener("keydown", keys);
  if (handBackFromPopup()) return;
  if (cfg.cognitoDomain && cfg.cognitoClientId && new URLSearchParams(location.search).has("code")) {
    try {
      setAuth(await finishSignIn(cfg.cognitoDomain, cfg.cognitoClientId));
    } catch (error) {
      return render(error.message);
    }
  }
  if (state.auth) start(); else render();
}

boot();
