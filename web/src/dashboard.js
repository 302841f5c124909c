// The managers' dashboard in the console (the "Dashboard" tab): GET /reports/kpis for a period and property,
// each KPI beside its target (met / missed / no data in words and a symbol, not colour alone), the previous
// period and the change, trends by day drawn with uPlot (each chart with its figures as a table too), the oldest
// open tickets and the breaches (a click opens the ticket), and the CSV export.
// Bundled on its own (chalicelib/web/dashboard.js) and loaded only when the tab is first opened, so the queue
// does not carry the charting library. uPlot's stylesheet is bundled into console.css (the CSP allows no inline
// style sheet; uPlot itself only sets element.style properties, which the CSP does not block).
import uPlot from "uplot";
import { el } from "./dom.js";

const DAY_MS = 86400000;
const isoDay = (d) => d.toISOString().slice(0, 10);
const todayUtc = () => isoDay(new Date());
const dayLabel = (iso) => new Date(`${iso}T00:00:00Z`).toLocaleDateString([], { dateStyle: "medium", timeZone: "UTC" });
const span = (from, to) => (from === to ? dayLabel(from) : `${dayLabel(from)} – ${dayLabel(to)}`);
const when = (iso) => (iso ? new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "—");
const label = (s) => String(s || "").replace(/_/g, " ");

function duration(seconds) {
  const s = Math.round(seconds);
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  return `${Math.floor(s / 3600)} h${Math.round((s % 3600) / 60) ? ` ${Math.round((s % 3600) / 60)} min` : ""}`;
}

/** A KPI value as people read it (the unit is part of the text). */
export function formatValue(value, unit) {
  if (value === null || value === undefined) return "—";
  if (unit === "%") return `${value} %`;
  if (unit === "points") return `${value > 0 ? "+" : ""}${value}`;
  if (unit === "seconds") return duration(value);
  if (unit === "minutes") return `${value} min`;
  return String(value);
}

function formatTarget(k) {
  if (k.target === null || k.target === undefined) return "none (informational)";
  return `${k.better === "higher" ? "≥" : "≤"} ${formatValue(k.target, k.unit)}`;
}

function changeText(k) {
  if (k.change === null || k.change === undefined) return { text: "—", tone: "" };
  if (k.change === 0) return { text: "no change", tone: "" };
  const sign = k.change > 0 ? "+" : "−";
  const size = Math.abs(k.change);
  const amount = k.unit === "seconds" ? duration(size) : k.unit === "minutes" ? `${size} min` : `${size} pts`;
  const better = (k.change > 0) === (k.better === "higher");
  const informational = k.target === null || k.target === undefined;
  return { arrow: k.change > 0 ? "▲" : "▼", text: `${sign}${amount}`,
    word: informational ? "" : better ? "better" : "worse", tone: informational ? "" : better ? "better" : "worse" };
}

// Met / missed / no data: a symbol and a word, the colour only repeats them.
function status(k, value = k.value, met = k.met) {
  if (value === null || value === undefined) return el("span", { class: "kpi-status none" }, el("span", { "aria-hidden": "true", text: "– " }), "No data");
  if (k.target === null || k.target === undefined) return el("span", { class: "kpi-status info" }, el("span", { "aria-hidden": "true", text: "i " }), "Informational");
  return met ? el("span", { class: "kpi-status met" }, el("span", { "aria-hidden": "true", text: "✓ " }), "Met")
    : el("span", { class: "kpi-status missed" }, el("span", { "aria-hidden": "true", text: "✗ " }), "Missed");
}

function ageText(hours) {
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.floor(hours / 24)} d ${Math.round(hours % 24)} h`;
}

/**
 * ctx: { api(method, path) → JSON, fetchAuthed(path) → Response, openTicket(id), propertyIds() → [ids] }.
 * Returns { node, load() }: the console keeps `node` across its re-renders (so the charts are drawn once per load).
 */
export function createDashboard(ctx) {
  const first = new Date();
  const state = {
    from: isoDay(new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1))), to: todayUtc(), property: "",
    names: new Map(), data: null, error: null, loading: false,
  };
  const node = el("section", { class: "wide dashboard", "aria-labelledby": "dash-h" });
  let charts = [];

  function query(extra = {}) {
    const q = new URLSearchParams({ from: state.from, to: state.to, ...extra });
    if (state.property) q.set("property", state.property);
    return q.toString();
  }

  async function load() {
    state.loading = true;
    draw();
    try {
      state.data = await ctx.api("GET", `/reports/kpis?${query()}`);
      state.error = null;
      for (const p of state.data.properties || []) state.names.set(p.property_id, p.name);
    } catch (error) {
      state.error = error.message;
      state.data = null;
    }
    state.loading = false;
    draw();
  }

  async function downloadCsv(event) {
    event.preventDefault();
    try {
      const response = await ctx.fetchAuthed(`/reports/kpis?${query({ format: "csv" })}`);
      if (!response.ok) throw new Error(`CSV export failed (HTTP ${response.status})`);
      const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "")?.[1] || "kpis.csv";
      const url = URL.createObjectURL(await response.blob());
      const link = el("a", { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (error) {
      state.error = error.message;
      draw();
    }
  }

  function setPeriod(from, to) {
    state.from = from;
    state.to = to;
    load();
  }

  function periodForm() {
    const ids = new Set([...state.names.keys(), ...ctx.propertyIds()]);
    const from = el("input", { id: "dash-from", type: "date", value: state.from, max: todayUtc(), required: true });
    const to = el("input", { id: "dash-to", type: "date", value: state.to, max: todayUtc(), required: true });
    const property = el("select", { id: "dash-property" }, el("option", { value: "", text: "All properties (portfolio)" }),
      [...ids].sort().map((id) => el("option", { value: id, text: state.names.get(id) || id, selected: id === state.property })));
    const today = new Date();
    const daysBack = (n) => isoDay(new Date(today.getTime() - n * DAY_MS));
    const monthStart = isoDay(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1)));
    return el("form", { class: "dash-period", "aria-label": "Period and property", onsubmit: (e) => {
      e.preventDefault();
      state.property = property.value;
      setPeriod(from.value, to.value);
    } },
    el("div", { class: "filter" }, el("label", { for: "dash-from", text: "From (UTC day)" }), from),
    el("div", { class: "filter" }, el("label", { for: "dash-to", text: "To (inclusive)" }), to),
    el("div", { class: "filter" }, el("label", { for: "dash-property", text: "Property" }), property),
    el("button", { type: "submit", class: "primary", text: "Show" }),
    el("div", { class: "presets", role: "group", "aria-label": "Quick periods" },
      el("button", { type: "button", text: "This month", onclick: () => { state.property = property.value; setPeriod(monthStart, todayUtc()); } }),
      el("button", { type: "button", text: "Last 7 days", onclick: () => { state.property = property.value; setPeriod(daysBack(6), todayUtc()); } }),
      el("button", { type: "button", text: "Last 30 days", onclick: () => { state.property = property.value; setPeriod(daysBack(29), todayUtc()); } })));
  }

  function kpiTable(d) {
    return el("div", { class: "scroll" }, el("table", { class: "kpi-table" },
      el("caption", { text: `KPIs against their targets (previous period: ${span(d.previous_period.from, d.previous_period.to)})` }),
      el("thead", {}, el("tr", {}, ["KPI", "Value", "Target", "Status", "Counted", "Previous period", "Change"]
        .map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, d.kpis.map((k) => {
        const change = changeText(k);
        const prev = k.previous || {};
        return el("tr", { "data-kpi": k.key, "data-value": k.value ?? "", "data-target": k.target ?? "", "data-met": String(k.met) },
          el("th", { scope: "row", text: k.label }),
          el("td", { class: "num kpi-value", text: formatValue(k.value, k.unit) }),
          el("td", { class: "kpi-target", text: formatTarget(k) }),
          el("td", {}, status(k)),
          el("td", { class: "num", text: String(k.count) }),
          el("td", { class: "kpi-prev" }, formatValue(prev.value, k.unit),
            prev.value !== null && prev.value !== undefined && k.target !== null ? [" (", prev.met ? "met" : "missed", ")"] : null),
          el("td", { class: `kpi-change ${change.tone}` }, change.arrow ? el("span", { "aria-hidden": "true", text: `${change.arrow} ` }) : null,
            change.text, change.word ? ` (${change.word})` : null));
      }))));
  }

  function ticketButton(ref, id) {
    return el("button", { type: "button", class: "link", text: ref, "aria-label": `Open ticket ${ref}`, onclick: () => ctx.openTicket(id || ref) });
  }

  function breachesView(d) {
    const labels = new Map(d.kpis.map((k) => [k.key, k.label]));
    return el("section", { class: "dash-card", "aria-labelledby": "breaches-h" },
      el("h3", { id: "breaches-h", text: `Breaches (${d.breaches.length})` }),
      d.breaches.length ? el("ul", { class: "breaches" }, d.breaches.map((b) => el("li", {},
        ticketButton(b.ref), ` · ${labels.get(b.kpi) || label(b.kpi)}: ${b.why}`)))
        : el("p", { text: "No breaches among this period's tickets." }));
  }

  function oldestView(d) {
    return el("section", { class: "dash-card", "aria-labelledby": "oldest-h" },
      el("h3", { id: "oldest-h", text: "Oldest open tickets" }),
      d.oldest_open.length ? el("div", { class: "scroll" }, el("table", { class: "oldest" },
        el("thead", {}, el("tr", {}, ["Ticket", "Property", "Urgency", "Category", "Status", "Opened", "Age"].map((h) => el("th", { scope: "col", text: h })))),
        el("tbody", {}, d.oldest_open.map((t) => el("tr", {},
          el("td", {}, ticketButton(t.ref, t.ticket_id)), el("td", { text: state.names.get(t.property_id) || t.property_id }),
          el("td", {}, el("span", { class: `badge u-${t.urgency}`, text: t.urgency })), el("td", { text: label(t.category) }),
          el("td", { text: label(t.status) }), el("td", { text: when(t.created_at) }), el("td", { class: "num", text: ageText(t.age_hours) }))))))
        : el("p", { text: d.to >= todayUtc() ? "No open tickets." : "The open queue is a snapshot of today: pick a period that includes today." }));
  }

  function byPropertyView(d) {
    if (!d.properties || d.properties.length < 2) return null;
    const keys = d.kpis.map((k) => k);
    return el("section", { class: "dash-card", "aria-labelledby": "byprop-h" },
      el("h3", { id: "byprop-h", text: "By property" }),
      el("div", { class: "scroll" }, el("table", { class: "by-property" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "KPI" }), el("th", { scope: "col", text: "Target" }),
          d.properties.map((p) => el("th", { scope: "col", text: p.name })))),
        el("tbody", {}, keys.map((k) => el("tr", {}, el("th", { scope: "row", text: k.label }), el("td", { text: formatTarget(k) }),
          d.properties.map((p) => {
            const e = p.kpis.find((x) => x.key === k.key) || {};
            return el("td", {}, formatValue(e.value, k.unit), " ", status(k, e.value, e.met));
          })))))));
  }

  // ---- trends -----------------------------------------------------------------------------------------
  // allDays: the table lists every day (ticket counts); otherwise only the days with a figure.
  function chartFigure(id, title, caption, xs, series, unit, target, allDays = false) {
    const figure = el("figure", { class: "chart", id: `chart-${id}` });
    const host = el("div", { class: "chart-canvas", role: "img",
      "aria-label": `Chart of ${title} by day, ${span(state.data.from, state.data.to)}; the table below it has the same figures.` });
    const rows = xs.map((x, i) => (allDays || series.some((s) => s.values[i] !== null) ? el("tr", {}, el("th", { scope: "row", text: dayLabel(x) }),
      series.map((s) => el("td", { class: "num", text: s.format(s.values[i]) }))) : null));
    figure.append(el("figcaption", {}, el("strong", { text: title }), caption ? ` · ${caption}` : null), host,
      el("details", {}, el("summary", { text: `${title}: the figures` }),
        el("table", { class: "chart-table" }, el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Day" }),
          series.map((s) => el("th", { scope: "col", text: s.label })))), el("tbody", {}, rows)),
        allDays ? null : el("p", { class: "hint", text: "Days without a figure are left out." })));
    return { figure, host, draw() {
      const width = Math.max(240, host.clientWidth);
      const stamps = xs.map((x) => Date.parse(`${x}T00:00:00Z`) / 1000);
      const plotted = [stamps, ...series.map((s) => s.values.map((v) => (v === null || v === undefined || (s.zeroIsNothing && v === 0) ? null : v)))];
      const opts = {
        width, height: 170, legend: { show: false }, cursor: { show: false },
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
        scales: { x: { time: true, auto: false, min: stamps[0] - 86400, max: stamps[stamps.length - 1] + 86400 }, // room for the end bars
          y: unit === "%" ? { range: [0, 100] } : { range: (u, lo, hi) => [Math.min(0, lo ?? 0), Math.max(1, (hi ?? 1) * 1.15)] } },
        // Whole days only on the x axis (the figures are per UTC day), as month/day.
        axes: [{ stroke: "#374151", grid: { stroke: "#e5e7eb" }, ticks: { stroke: "#9ca3af" }, space: 60,
          incrs: [1, 2, 7, 14, 28, 56].map((n) => n * 86400),
          values: (u, ticks) => ticks.map((t) => new Date(t * 1000).toLocaleDateString([], { month: "numeric", day: "numeric", timeZone: "UTC" })) },
          { stroke: "#374151", grid: { stroke: "#e5e7eb" }, ticks: { stroke: "#9ca3af" }, size: 48,
            values: (u, ticks) => ticks.map((t) => (unit === "%" ? `${t}%` : unit === "seconds" ? (t >= 120 ? `${Math.round(t / 60)}m` : `${t}s`) : String(t))) }],
        series: [{}, ...series.map((s) => s.uplot)],
      };
      if (target !== null && target !== undefined) {
        opts.series.push({ label: "Target", stroke: "#6b7280", width: 1.5, dash: [6, 4], points: { show: false } });
        plotted.push(stamps.map(() => target));
      }
      return new uPlot(opts, plotted, host);
    } };
  }

  function trendsView(d) {
    const xs = d.daily.map((r) => r.date);
    const figures = [chartFigure("tickets", "Tickets opened", "bars: tickets opened each day", xs,
      [{ label: "Tickets", values: d.daily.map((r) => r.tickets), format: (v) => String(v), zeroIsNothing: true,
        uplot: { label: "Tickets", stroke: "#1d4ed8", fill: "#93c5fd", width: 1, paths: uPlot.paths.bars({ size: [0.6, 48] }), points: { show: false } } }],
      "count", null, true)];
    const empty = [];
    for (const k of d.kpis) {
      const values = d.daily.map((r) => (r.values || {})[k.key] ?? null);
      if (!values.some((v) => v !== null)) { if (k.key !== "backlog_aging") empty.push(k.label); continue; }
      const hasTarget = k.target !== null && k.target !== undefined;
      figures.push(chartFigure(k.key, k.label, hasTarget ? `solid line with dots: daily value; dashed line: target ${formatTarget(k)}` : "daily value (informational)",
        xs, [{ label: k.label, values, format: (v) => formatValue(v, k.unit),
          uplot: { label: k.label, stroke: "#1d4ed8", width: 2, spanGaps: true, points: { show: true, size: 7, fill: "#1d4ed8" } } }],
        k.unit, hasTarget ? k.target : null));
    }
    const grid = el("div", { class: "chart-grid" }, figures.map((f) => f.figure));
    const section = el("section", { class: "dash-card trends", "aria-labelledby": "trends-h" },
      el("h3", { id: "trends-h", text: "Trends by day" }),
      el("p", { class: "hint", text: "Each day's figures are for the tickets opened that day (UTC). Open “the figures” under a chart for its table." }),
      grid,
      empty.length ? el("p", { class: "hint", text: `No daily figures in this period for: ${empty.join(", ")}.` }) : null);
    return { section, grid, figures };
  }

  // Each chart as wide as its cell of the CSS grid; resized with it (a scrollbar appearing, a window resized).
  const resizer = new ResizeObserver(() => {
    for (const c of charts) {
      const width = Math.max(240, c.root.parentElement.clientWidth);
      if (Math.abs(width - c.width) > 2) c.setSize({ width, height: c.height });
    }
  });
  function drawCharts(trends) {
    charts.forEach((c) => c.destroy());
    charts = trends.figures.map((f) => f.draw());
    resizer.disconnect();
    resizer.observe(trends.grid);
  }

  function draw() {
    const d = state.data;
    const head = el("div", { class: "section-head" }, el("h2", { id: "dash-h", text: "Dashboard" }),
      d ? el("a", { class: "button-link", href: ctx.url(`/reports/kpis?${query({ format: "csv" })}`), download: "kpis.csv",
        onclick: downloadCsv, text: "Download CSV" }) : null);
    const parts = [head, periodForm()];
    if (state.error) parts.push(el("p", { class: "alert", role: "alert", text: state.error }));
    parts.push(el("p", { class: "dash-summary", role: "status", text: state.loading ? "Loading…" : d
      ? `${d.tickets} ticket${d.tickets === 1 ? "" : "s"} opened ${d.from === d.to ? "on " : ""}${span(d.from, d.to)} · ` +
        `${d.property ? state.names.get(d.property) || d.property : "all properties"} · as of ${when(d.as_of)}` : "" }));
    let trends = null;
    if (d && !state.loading) {
      trends = trendsView(d);
      parts.push(kpiTable(d), el("div", { class: "dash-pair" }, oldestView(d), breachesView(d)), trends.section, byPropertyView(d));
    }
    charts.forEach((c) => c.destroy());
    charts = [];
    node.setAttribute("aria-busy", String(state.loading));
    node.replaceChildren(...parts.filter(Boolean));
    if (trends && node.isConnected) drawCharts(trends);
    node.trends = trends;
  }

  draw();
  // After the console put the node back in the page: draw the charts if they were loaded while it was away.
  const shown = () => { if (node.isConnected && node.trends && !charts.length) drawCharts(node.trends); };
  return { node, load, shown, loaded: () => state.data !== null || state.error !== null };
}
