// The resident chat: one <script src=".../app/widget.js?property=ID"> gives a launcher and a panel;
// with data-mode="page" (GET /app/chat/{property}) the same panel fills the page.
import { keepFocus } from "./dom.js";
import { TEXT, pickLanguage } from "./widget_text.js";
import { createTourPanel } from "./widget_tour.js";

const script = document.currentScript;
const src = new URL(script.src, location.href);
const API = src.href.slice(0, src.href.indexOf("/app/")); // keeps an API Gateway stage prefix
const PROPERTY = src.searchParams.get("property") || script.dataset.property || "";
const PAGE = script.dataset.mode === "page";
const EMBEDDED = PAGE && new URLSearchParams(location.search).get("embed") === "1";
const ASKED_LANG = new URLSearchParams(location.search).get("lang");
// A campaign link to the page (utm_campaign) names where a prospect came from: sent with the chat and a booking.
const CAMPAIGN = (new URLSearchParams(location.search).get("utm_campaign") || "").slice(0, 100) || undefined;
const KEY = `tenantline-chat:${PROPERTY}`;
const POLL_MS = Number(script.dataset.pollMs || 3000);
const RETRIES = 4;

const state = load() || { session: null, token: null, lang: pickLanguage(ASKED_LANG ? [ASKED_LANG] : navigator.languages), messages: [],
  pending: [], ask: null, quick: [], safety: [], rated: null, details: {}, open: PAGE };
let poller = null;
let ui = {};

function load() {
  try { return JSON.parse(sessionStorage.getItem(KEY)); } catch { return null; }
}
function save() {
  try { sessionStorage.setItem(KEY, JSON.stringify(state)); } catch { /* private mode: this tab only */ }
}
const t = (key, vars = {}) => TEXT[state.lang][key].replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? "");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function request(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (state.token) headers["X-Session-Token"] = state.token;
  const response = await fetch(API + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.Message || `HTTP ${response.status}`);
    error.status = response.status;
    error.data = data; // a 409 of a booking carries the next free times
    throw error;
  }
  return data;
}

// Retries network failures and 5xx with the same body (so the same client_message_id): the back end answers
// a replayed message with its first answer.
async function withRetry(fn) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const transient = !error.status || error.status >= 500 || error.status === 429;
      if (!transient || attempt >= RETRIES) throw error;
      status(t("retrying"));
      await sleep(Math.min(8000, 500 * 2 ** attempt));
    }
  }
}

const tour = createTourPanel({ el, t, request, withRetry, newId, state, save, campaign: CAMPAIGN });

async function ensureSession() {
  if (state.session) return;
  const d = state.details;
  const created = await withRetry(() => request("POST", "/chat/sessions", {
    property_id: PROPERTY, language: state.lang, name: d.name || undefined, unit: d.unit || undefined,
    phone: d.phone || undefined, email: d.email || undefined, campaign: CAMPAIGN }));
  state.session = created.session_id;
  state.token = created.token;
  state.messages.push({ message_id: "greeting", direction: "outbound", author: "tenantline", body: created.greeting });
  save();
}

function addMessages(list, safety = false) {
  for (const m of list) {
    if (state.messages.some((x) => x.message_id === m.message_id)) continue;
    state.messages.push({ message_id: m.message_id, direction: m.direction, author: m.author, body: m.body,
      automated: m.automated, created_at: m.created_at, safety: safety && m.direction === "outbound" && m.automated });
  }
}

async function send(text) {
  text = text.trim();
  if (!text) return;
  const item = { id: newId(), text };
  state.pending.push(item);
  save();
  render();
  await flush();
}

async function flush() {
  let resets = 0;
  while (state.pending.length) {
    const item = state.pending[0];
    let offered = false;
    try {
      await ensureSession();
      const answer = await withRetry(() => request("POST", `/chat/sessions/${state.session}/messages`,
        { text: item.text, client_message_id: item.id }));
      const urgent = answer.urgency === "emergency" || (answer.refer && answer.refer !== "none");
      addMessages(answer.messages, urgent);
      state.ref = answer.ref || state.ref;
      state.ask = answer.ask || null;
      state.quick = answer.quick_replies || [];
      if (answer.article) state.article = answer.article; // answered from the help center: ask whether it did
      offered = !!answer.tour && tour.open(answer.tour); // the answer offers a tour: book it here
      state.pending.shift();
      status("");
    } catch (error) {
      if ((error.status === 401 || error.status === 403 || error.status === 404) && !resets++) { // session expired
        state.session = null;
        state.token = null;
        save();
        continue;
      }
      if (error.status && error.status < 500) { // refused (too long, ...): give the words back to edit
        state.pending.shift();
        if (ui.input && !ui.input.value) ui.input.value = item.text;
      }
      status(error.status ? t("failed", { reason: error.message }) : t("offline"), true);
      save();
      render();
      return;
    }
    save();
    render();
    if (offered) requestAnimationFrame(() => tour.focus()); // after the render's own scroll to the bottom
  }
  startPolling();
}

async function poll() {
  if (!state.session || !state.open || document.hidden) return;
  const last = [...state.messages].reverse().find((m) => /^[0-9A-Z]{26}$/.test(m.message_id));
  try {
    const { messages } = await request("GET", `/chat/sessions/${state.session}/messages` +
      (last ? `?after=${encodeURIComponent(last.message_id)}` : ""));
    const before = state.messages.length;
    addMessages(messages);
    if (state.messages.length !== before) {
      if (messages.some((m) => m.direction === "outbound" && !m.automated)) { state.ask = null; state.quick = []; }
      save();
      render();
    }
  } catch { /* the next poll tries again */ }
}

function startPolling() {
  stopPolling();
  if (state.session && state.open) poller = setInterval(poll, POLL_MS);
}
function stopPolling() {
  if (poller) clearInterval(poller);
  poller = null;
}

function status(text, assertive = false) {
  ui.statusText = [text, assertive]; // kept for the next render
  if (!ui.status) return;
  ui.status.setAttribute("aria-live", assertive ? "assertive" : "polite");
  ui.status.textContent = text;
  ui.status.hidden = !text;
}

async function rate(score) {
  try {
    await request("POST", `/chat/sessions/${state.session}/csat`, { nps: score });  // "how likely to recommend": NPS
    state.rated = score;
  } catch (error) {
    if (error.status === 409) state.rated = score; else return status(t("failed", { reason: error.message }), true);
  }
  save();
  render();
  ui.panel.querySelector(".tlw-thanks")?.focus();
}

const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/gif"];
const MAX_PHOTO = 10 * 1024 * 1024;

// A photo goes straight to S3 with the presigned POST our API signs (type and size are in its policy), then
// the API checks what arrived and puts it on the ticket. The S3 answer is opaque (no-cors): the check is ours.
// "Did this answer your question?" about the help article the chat answered with: yes closes the chat (when no one
// from the office has replied yet), no leaves it for staff. Asked once.
async function answerHelpful(yes) {
  try {
    const answer = await request("POST", `/chat/sessions/${state.session}/helpful`, { helpful: yes });
    addMessages(answer.messages);
  } catch (error) {
    if (error.status !== 409) { status(t("failed", { reason: error.message }), true); return; }
  }
  state.article = null;
  save();
  render();
}

async function sendPhoto(file) {
  if (!file) return;
  if (!PHOTO_TYPES.includes(file.type)) return status(t("photoType"), true);
  if (file.size > MAX_PHOTO) return status(t("photoSize"), true);
  status(t("uploading"));
  try {
    const offer = await withRetry(() => request("POST", `/chat/sessions/${state.session}/photos`,
      { name: file.name, content_type: file.type, size: file.size }));
    const form = new FormData();
    for (const [k, v] of Object.entries(offer.fields)) form.append(k, v);
    form.append("file", file);
    await fetch(offer.url, { method: "POST", mode: "no-cors", body: form });
    const done = await withRetry(() => request("POST", `/chat/sessions/${state.session}/photos/done`, { key: offer.key }));
    addMessages([done.message]);
    save();
    render();
    status(t("photoSent"));
  } catch (error) {
    status(t("failed", { reason: error.message }), true);
  }
}


// ---- rendering ---------------------------------------------------------------------------------------
function messageItem(m) {
  const mine = m.direction === "inbound";
  const who = mine ? t("you") : m.automated || m.author === "tenantline" ? t("assistant") : t("staff", { name: m.author });
  const cls = `tlw-msg ${mine ? "tlw-mine" : "tlw-theirs"}${m.safety ? " tlw-safety" : ""}${!mine && !m.automated && m.author !== "tenantline" ? " tlw-human" : ""}`;
  return el("li", { class: cls, "data-message-id": m.message_id },
    el("span", { class: "tlw-who", text: m.safety ? `⚠ ${t("important")}` : who }),
    el("p", { class: "tlw-body", text: m.body }));
}

function detailsForm() {
  const d = state.details;
  const field = (name, type, autocomplete) => el("div", { class: "tlw-field" },
    el("label", { for: `tlw-${name}`, text: t(name) }),
    el("input", { id: `tlw-${name}`, name, type, autocomplete, value: d[name] || "", disabled: !!state.session,
      oninput: (e) => { d[name] = e.target.value; save(); } }));
  return el("details", { class: "tlw-details", open: !state.session && !state.messages.length ? true : null },
    el("summary", { text: state.session ? t("detailsSent") : t("details") }),
    el("div", { class: "tlw-grid" }, field("name", "text", "name"), field("unit", "text", "address-line2"),
      field("phone", "tel", "tel"), field("email", "email", "email")));
}

function render() {
  const panel = ui.panel;
  const restoreFocus = keepFocus();
  const draft = ui.input ? ui.input.value : "";
  panel.replaceChildren();
  panel.lang = state.lang;
  const title = el(PAGE ? "h1" : "h2", { id: "tlw-title", class: "tlw-title", text: t("title", { property: ui.propertyName }) });
  const langButton = el("button", { type: "button", class: "tlw-lang", lang: state.lang === "en" ? "es" : "en",
    "aria-label": t("switchLanguageLabel"), text: t("switchLanguage"),
    onclick: () => { state.lang = state.lang === "en" ? "es" : "en"; save(); render(); ui.panel.querySelector(".tlw-lang").focus(); } });
  const header = el("div", { class: "tlw-header" }, title, el("div", { class: "tlw-tools" }, langButton,
    EMBEDDED ? el("button", { type: "button", class: "tlw-close", "aria-label": t("close"), text: "×", onclick: closeEmbedded }) : null));
  // The log is kept across renders (a live region re-created is not announced): only new items are added.
  if (!ui.log || ui.log.lang !== state.lang) {
    ui.log = el("ol", { class: "tlw-log", lang: state.lang });
    ui.logBox = el("div", { role: "log", "aria-live": "polite", "aria-label": t("conversation"), tabindex: "0", class: "tlw-logbox" }, ui.log);
  }
  const log = ui.log;
  const shown = new Set([...log.querySelectorAll("[data-message-id]")].map((li) => li.dataset.messageId));
  log.querySelectorAll(".tlw-pending").forEach((li) => li.remove());
  for (const m of state.messages) if (!shown.has(m.message_id)) log.append(messageItem(m));
  for (const p of state.pending) {
    log.append(el("li", { class: "tlw-msg tlw-mine tlw-pending" },
      el("span", { class: "tlw-who", text: t("sending") }), el("p", { class: "tlw-body", text: p.text })));
  }
  const quick = state.quick.length ? el("div", { class: "tlw-quick", role: "group", "aria-label": state.ask || t("quickReplies") },
    state.quick.map((q) => el("button", { type: "button", class: "tlw-quick-btn", text: q.label,
      onclick: () => { state.quick = []; state.ask = null; send(q.value); } }))) : null;
  const helpful = state.article && state.session ? el("fieldset", { class: "tlw-helpful" }, el("legend", { text: t("helpful") }),
    el("button", { type: "button", class: "tlw-quick-btn", text: t("yes"), onclick: () => answerHelpful(true) }),
    el("button", { type: "button", class: "tlw-quick-btn", text: t("no"), onclick: () => answerHelpful(false) })) : null;
  const input = el("textarea", { id: "tlw-input", class: "tlw-input", rows: "2", maxlength: "4000",
    placeholder: t("placeholder"), onkeydown: (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); submit(); } } });
  input.value = draft;
  const photo = state.session && state.ref ? el("div", { class: "tlw-photo" },
    el("label", { for: "tlw-photo", class: "tlw-photo-label", text: t("addPhoto") }),
    el("input", { id: "tlw-photo", type: "file", accept: PHOTO_TYPES.join(","), class: "tlw-photo-input",
      onchange: (e) => { sendPhoto(e.target.files[0]); e.target.value = ""; } })) : null;
  const form = el("form", { class: "tlw-composer", onsubmit: (e) => { e.preventDefault(); submit(); } },
    el("label", { for: "tlw-input", class: "tlw-label", text: t("message") }), input,
    el("button", { type: "submit", class: "tlw-send", text: t("send") }), photo);
  const stat = el("p", { class: "tlw-status", role: "status", hidden: true });
  const staffReplied = state.messages.some((m) => m.direction === "outbound" && !m.automated && m.author !== "tenantline");
  let csat = null;
  if (state.session && state.rated !== null) csat = el("p", { class: "tlw-thanks", tabindex: "-1", text: t("thanks") });
  else if (state.session && (staffReplied || state.finishing)) {
    csat = el("fieldset", { class: "tlw-csat" }, el("legend", { text: t("rate") }),
      el("div", { class: "tlw-scale" }, Array.from({ length: 11 }, (_, i) => el("button", { type: "button",
        class: "tlw-score", "aria-label": t("score", { n: i }), text: String(i), onclick: () => rate(i) }))),
      el("div", { class: "tlw-scale-ends", "aria-hidden": "true" }, el("span", { text: t("unlikely") }), el("span", { text: t("likely") })));
  } else if (state.session) {
    csat = el("button", { type: "button", class: "tlw-finish", text: t("finish"),
      onclick: () => { state.finishing = true; save(); render(); ui.panel.querySelector(".tlw-score")?.focus(); } });
  }
  tour.sync();
  panel.append(header, el("div", { class: "tlw-scroll" }, detailsForm(), ui.logBox, quick, helpful,
    tour.shown() ? tour.node : null, csat), stat, form);
  ui.input = input;
  ui.status = stat;
  if (ui.statusText) status(...ui.statusText);
  requestAnimationFrame(() => { const box = panel.querySelector(".tlw-scroll"); if (box) box.scrollTop = box.scrollHeight; });
  restoreFocus();
  document.documentElement.lang = state.lang;
}

function submit() {
  const text = ui.input.value;
  if (!text.trim() && state.pending.length) { flush(); return; } // "press Send again" after a network failure
  if (!text.trim()) { status(t("empty"), true); ui.input.focus(); return; }
  ui.input.value = "";
  send(text);
  ui.input.focus();
}

// In the page: nothing to toggle. Embedded (the launcher's frame): the close button and Escape ask the
// property's page to close the frame, which removes it, so nothing polls while the panel is closed.
function closeEmbedded() {
  if (EMBEDDED) parent.postMessage({ tenantline: "close" }, "*");
}

function mountPage() {
  ui.propertyName = script.dataset.propertyName || "";
  const host = document.getElementById(script.dataset.container) || document.body;
  ui.panel = el("section", { class: `tlw-panel tlw-full${EMBEDDED ? " tlw-embedded" : ""}`, "aria-labelledby": "tlw-title",
    onkeydown: (e) => { if (e.key === "Escape") closeEmbedded(); } });
  host.append(ui.panel);
  state.open = true;
  render();
  document.documentElement.lang = state.lang;
  document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });
  if (state.pending.length) flush(); else { poll(); startPolling(); }
  if (EMBEDDED) ui.input.focus();
}

// On a property's website: a launcher button; the panel is our chat page in a frame (same origin as the
// API: no CORS, and the site's own styles and scripts can neither break nor read the chat).
function mountLauncher() {
  const lang = pickLanguage(navigator.languages);
  const origin = new URL(API).origin;
  if (!document.querySelector("link[data-tenantline]")) {
    document.head.append(el("link", { rel: "stylesheet", href: `${API}/app/widget.css`, "data-tenantline": "1" }));
  }
  const launcher = el("button", { type: "button", class: "tlw-launcher", "aria-expanded": "false", "aria-controls": "tlw-frame-box",
    text: TEXT[lang].launcher });
  const box = el("div", { id: "tlw-frame-box", class: "tlw-frame-box", hidden: true });
  const close = () => {
    box.replaceChildren();
    box.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    sessionStorage.removeItem(`${KEY}:open`);
    launcher.focus();
  };
  const open = () => {
    const frame = el("iframe", { class: "tlw-frame", title: TEXT[lang].title.replace("{property}", ""),
      src: `${API}/app/chat/${encodeURIComponent(PROPERTY)}?embed=1&lang=${lang}` });
    box.replaceChildren(frame);
    box.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    sessionStorage.setItem(`${KEY}:open`, "1");
    frame.addEventListener("load", () => frame.focus());
  };
  launcher.addEventListener("click", () => (box.hidden ? open() : close()));
  window.addEventListener("message", (e) => { if (e.origin === origin && e.data && e.data.tenantline === "close") close(); });
  document.body.append(box, launcher);
  if (sessionStorage.getItem(`${KEY}:open`)) open();
}

function mount() {
  if (PAGE) mountPage(); else mountLauncher();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount); else mount();
