// The help-article editor in the console (the "Help articles" tab): the articles of the staff member's properties,
// one article's form (Markdown body with the help center's own preview), its versions (compare any with the one
// open, restore), publish now or at a time, archive. Every save is a new version (PUT /admin/kb/articles/{id}
// with the version it started from: a 409 means someone else saved first).
// Bundled on its own (chalicelib/web/kb.js) and loaded when the tab is first opened.
import { el, keepFocus } from "./dom.js";

const when = (iso) => (iso ? new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "—");
const AUDIENCES = ["residents", "owners", "staff"];
const LANGUAGES = { en: "English", es: "Español" };
// A unified diff's added and removed lines (not its ---/+++ headers).
const diffClass = (line) => (/^\+(?!\+\+)/.test(line) ? "add" : /^-(?!--)/.test(line) ? "del" : "");

export function createEditor({ api, propertyIds, role }) {
  const node = el("section", { class: "wide kb", "aria-labelledby": "kb-h" });
  const s = { articles: [], article: null, versions: [], diff: null, preview: "", notice: null, loaded: false, property: "" };
  const canPublish = role === "manager" || role === "admin";

  async function load() {
    const query = s.property ? `?property=${encodeURIComponent(s.property)}` : "";
    try {
      s.articles = (await api("GET", `/admin/kb/articles${query}`)).articles;
      s.loaded = true;
    } catch (error) { s.notice = { kind: "alert", text: error.message }; }
    draw();
  }

  async function open(id) {
    s.diff = null;
    s.article = await api("GET", `/admin/kb/articles/${encodeURIComponent(id)}`);
    s.versions = (await api("GET", `/admin/kb/articles/${encodeURIComponent(id)}/versions`)).versions;
    s.preview = s.article.html;
    draw();
    document.getElementById("kb-title")?.focus();
  }

  function fresh() {
    s.article = { id: null, title: "", body: "", keywords: [], category: "", audience: "residents", language: "en",
      property_id: s.property || null, state: "draft", version: 0 };
    s.versions = []; s.diff = null; s.preview = "";
    draw();
    document.getElementById("kb-title")?.focus();
  }

  async function act(what, fn) {
    try {
      await fn();
      s.notice = { kind: "ok", text: what };
    } catch (error) {
      s.notice = { kind: "alert", text: error.status === 409 ? `Someone saved this article meanwhile: reload it (${error.message})` : error.message };
    }
    draw();
  }

  // The form edits s.article itself, so a re-render (a preview, a notice) never loses what was typed.
  const keep = (name, parse = (v) => v) => (e) => { s.article[name] = parse(e.target.value); };
  const keywords = (v) => v.split(",").map((k) => k.trim()).filter(Boolean);

  function fields() {
    const a = s.article;
    return { title: a.title, category: a.category, audience: a.audience, body: a.body, keywords: a.keywords };
  }

  async function save() {
    const a = s.article;
    await act("Saved: a new version.", async () => {
      if (!a.id) {
        const made = await api("POST", "/admin/kb/articles", { ...fields(), language: a.language, property_id: a.property_id || null });
        await open(made.id);
      } else {
        await api("PUT", `/admin/kb/articles/${encodeURIComponent(a.id)}`, { ...fields(), version: a.version });
        await open(a.id);
      }
      await load();
    });
  }

  const post = (path, body) => api("POST", `/admin/kb/articles/${encodeURIComponent(s.article.id)}${path}`, body);

  function listView() {
    const filter = el("select", { id: "kb-filter", onchange: (e) => { s.property = e.target.value; load(); } },
      el("option", { value: "", text: "All my properties" }),
      propertyIds().map((p) => el("option", { value: p, text: p, selected: p === s.property })));
    return el("div", { class: "kb-list" },
      el("div", { class: "section-head" }, el("label", { for: "kb-filter", text: "Property" }), filter,
        el("button", { type: "button", class: "primary", text: "New article", onclick: fresh })),
      el("table", {}, el("caption", { text: `Articles (${s.articles.length})` }),
        el("thead", {}, el("tr", {}, ["Title", "Lang", "State", "Version"].map((h) => el("th", { scope: "col", text: h })))),
        el("tbody", {}, s.articles.map((a) => el("tr", { "aria-current": s.article && s.article.id === a.id ? "true" : null },
          el("td", {}, el("button", { type: "button", class: "link", text: a.title, onclick: () => open(a.id) }),
            el("div", { class: "muted", text: `${a.category} · ${a.audience}${a.property_id ? " · " + a.property_id : ""}` })),
          el("td", { text: a.language }),
          el("td", { text: a.state + (a.state === "published" && a.published_version !== a.version ? " (changes not published)" : "") + (a.publish_at ? ` · publishes ${when(a.publish_at)}` : "") }),
          el("td", { text: String(a.version) }))))));
  }

  function field(id, text, input) {
    return el("div", { class: "field" }, el("label", { for: id, text }), input);
  }

  function formView() {
    const a = s.article;
    if (!a) return el("p", { text: "Open an article, or make a new one." });
    const body = el("textarea", { id: "kb-body", rows: "14", spellcheck: "true", oninput: keep("body") });
    body.value = a.body;
    const preview = el("div", { class: "kb-preview", id: "kb-preview", "aria-live": "polite" });
    preview.innerHTML = s.preview; // the server's own rendering: escaped, links checked (rules/help_text.py)
    const when_ = el("input", { id: "kb-at", type: "datetime-local" });
    return el("form", { class: "kb-form", "aria-labelledby": "kb-form-h", onsubmit: (e) => { e.preventDefault(); save(); } },
      el("h3", { id: "kb-form-h", text: a.id ? `${a.title} · version ${a.version} · ${a.state}` : "New article" }),
      a.id ? null : el("div", { class: "row" },
        field("kb-language", "Language", el("select", { id: "kb-language", onchange: keep("language") },
          Object.entries(LANGUAGES).map(([v, t]) => el("option", { value: v, text: t, selected: v === a.language })))),
        field("kb-property", "Property", el("select", { id: "kb-property", onchange: keep("property_id") }, el("option", { value: "", text: "Every property" }),
          propertyIds().map((p) => el("option", { value: p, text: p, selected: p === a.property_id }))))),
      field("kb-title", "Title", el("input", { id: "kb-title", value: a.title, required: true, maxlength: "200", oninput: keep("title") })),
      el("div", { class: "row" },
        field("kb-category", "Category", el("input", { id: "kb-category", value: a.category, required: true, maxlength: "60", oninput: keep("category") })),
        field("kb-audience", "Audience", el("select", { id: "kb-audience", onchange: keep("audience") }, AUDIENCES.map((v) => el("option", { value: v, text: v, selected: v === a.audience }))))),
      field("kb-keywords", "Keywords (comma-separated)", el("input", { id: "kb-keywords", value: (a.keywords || []).join(", "), oninput: keep("keywords", keywords) })),
      el("div", { class: "kb-edit" }, field("kb-body", "Body (Markdown: # headings, - lists, **bold**, [links](https://…))", body),
        el("div", {}, el("h4", { text: "Preview" }), preview)),
      el("div", { class: "actions" },
        el("button", { type: "button", text: "Preview", onclick: async () => {
          await act("Preview updated.", async () => { s.preview = (await api("POST", "/admin/kb/preview", { body: body.value })).html; });
        } }),
        el("button", { type: "submit", class: "primary", text: a.id ? "Save as new version" : "Create draft" }),
        a.id && canPublish ? el("button", { type: "button", text: `Publish version ${a.version}`, onclick: () => act("Published.", async () => { await post("/publish"); await open(a.id); await load(); }) }) : null,
        a.id && canPublish ? el("span", { class: "later" }, el("label", { for: "kb-at", text: "or at" }), when_,
          el("button", { type: "button", text: "Schedule", onclick: () => act("Scheduled.", async () => {
            if (!when_.value) throw new Error("pick a date and time first");
            await post("/publish", { at: new Date(when_.value).toISOString() }); await open(a.id); await load(); }) })) : null,
        a.id && canPublish && a.state !== "archived" ? el("button", { type: "button", text: "Archive", onclick: () => act("Archived.", async () => { await post("/archive"); await open(a.id); await load(); }) }) : null),
      a.id ? versionsView() : null);
  }

  function versionsView() {
    const a = s.article;
    return el("section", { "aria-labelledby": "kb-versions-h" }, el("h4", { id: "kb-versions-h", text: `Versions (${s.versions.length})` }),
      el("table", {}, el("thead", {}, el("tr", {}, ["Version", "When", "By", "Title", "Changed", ""].map((h) => el("th", { scope: "col", text: h })))),
        el("tbody", {}, s.versions.slice().reverse().map((v) => el("tr", {},
          el("td", { text: String(v.version) + (v.version === a.published_version ? " (published)" : "") }), el("td", { text: when(v.at) }),
          el("td", { text: v.by }), el("td", { text: v.title }), el("td", { text: [v.changed.join(", "), v.note].filter(Boolean).join(" · ") }),
          el("td", {}, v.version === a.version ? null : [
            el("button", { type: "button", text: `Compare v${v.version} with v${a.version}`, onclick: () => act("Compared.", async () => {
              s.diff = await api("GET", `/admin/kb/articles/${encodeURIComponent(a.id)}/compare?from=${v.version}&to=${a.version}`); }) }),
            el("button", { type: "button", text: `Restore v${v.version}`, onclick: () => act(`Restored version ${v.version} as a new version.`, async () => {
              await post(`/versions/${v.version}/restore`); await open(a.id); await load(); }) })]))))),
      s.diff ? el("div", { class: "kb-diff", "aria-label": `Changes from version ${s.diff.from} to ${s.diff.to}`, role: "region" },
        Object.keys(s.diff.changes).length ? Object.entries(s.diff.changes).map(([name, lines]) => el("div", {}, el("h5", { text: name }),
          el("pre", { tabindex: "0" }, lines.map((line) => el("span", { class: diffClass(line), text: `${line}\n` })))))
          : el("p", { text: "No differences." })) : null);
  }

  function draw() {
    const n = s.notice;
    const restoreFocus = keepFocus();
    node.replaceChildren(el("h2", { id: "kb-h", text: "Help articles" }),
      el("p", { class: `notice ${n ? n.kind : ""}`, role: n && n.kind === "alert" ? "alert" : "status", text: n ? n.text : "" }),
      el("div", { class: "kb-split" }, listView(), formView()));
    restoreFocus();
  }

  draw();
  return { node, load, loaded: () => s.loaded, shown: () => {} };
}
