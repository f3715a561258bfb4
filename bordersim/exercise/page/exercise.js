// The exercise page: reads the situation from the server, draws it, and sends the
// facilitator's moves. Every text from the server is set with textContent (never as HTML).
"use strict";
(function () {
  const token = new URLSearchParams(location.search).get("token") || "";
  const $ = (id) => document.getElementById(id);
  let state = null, forecast = null, preview = null, chart = null, polling = null;

  function api(path, body) {
    const opts = { headers: { "X-Token": token } };
    if (body !== undefined) {
      opts.method = "POST";
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    return fetch(path, opts).then((r) => r.json().then((data) => {
      if (!r.ok || data.ok === false) throw new Error(data.error || ("error " + r.status));
      return data;
    }));
  }

  function say(text, kind) {
    const m = $("message");
    m.textContent = text || "";
    m.className = "message " + (kind || "");
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function minutes(s) {
    if (s === null || s === undefined) return "closed";
    const m = Math.round(s / 60);
    return m < 60 ? m + " min" : Math.floor(m / 60) + " h " + String(m % 60).padStart(2, "0") + " min";
  }

  function waits(w) {
    if (!w) return "not posted";
    const parts = [];
    for (const [cls, s] of Object.entries(w)) parts.push(cls + " " + minutes(s));
    return parts.join(", ");
  }

  // ------------------------------------------------------------------ drawing the state
  function render(s) {
    const first = state === null;
    const newInject = state && s.injects.length > state.injects.length;
    state = s;
    document.body.classList.toggle("observer", !s.can_decide);
    $("observer-note").hidden = s.can_decide;
    $("title").textContent = s.title;
    document.title = s.title + " - bordersim exercise";
    $("clock").textContent = s.clock;
    $("next").textContent = s.ended ? "the exercise has reached the end of the run" : (s.next_clock || "none (advance by a time)");
    const latest = s.injects[s.injects.length - 1];
    $("inject-latest").textContent = latest ? `${latest.clock} - ${latest.from ? latest.from + ": " : ""}${latest.text}` : "No inject yet.";
    if (newInject) { $("inject").classList.remove("new"); void $("inject").offsetWidth; $("inject").classList.add("new"); }
    $("inject-count").textContent = s.injects.length;
    const list = $("inject-list"); list.replaceChildren();
    for (const i of s.injects.slice().reverse()) {
      list.append(el("li", `${i.clock} - ${i.from ? i.from + ": " : ""}${i.text}${i.event ? " [" + i.event + "]" : ""}`));
    }
    renderPlazas(s);
    renderSchematic(s);
    const rw = $("rewind-to"); rw.replaceChildren();
    for (const p of s.points.filter((p) => p.passed)) {
      const o = el("option", p.clock); o.value = p.at; rw.append(o);
    }
    $("rewind").disabled = rw.options.length === 0;
    atTheEnd();
    $("ended").hidden = !s.ended;
    if (s.ended) {
      $("ended").textContent = "The exercise has reached the end of the run. Write the after-action report with: " + (s.after_action || "bordersim exercise FILE --decisions LOG");
    }
    $("export").href = "/api/plan?token=" + encodeURIComponent(token);
    const dl = $("decisions"); dl.replaceChildren();
    for (const d of s.decisions) dl.append(el("li", `${d.clock} - ${d.role}: ${d.text}${d.note ? " (" + d.note + ")" : ""}`));
    if (!s.decisions.length) dl.append(el("li", "None yet.", "none"));
    const sel = $("chart-plaza");
    if (first) {
      for (const p of s.plazas) { const o = el("option", p.name); o.value = p.key; sel.append(o); }
      const worst = s.plazas.slice().sort((a, b) => b.queue_km - a.queue_km)[0];
      if (worst) sel.value = worst.key;
      buildForm(s);
      const first = s.plazas.find((p) => p.key.endsWith(".into_us")) || s.plazas[0];
      if (first) $("d-yaml").placeholder = `{type: phased_reopening, where: ${first.key}, steps: [{after: 0s, fraction: 0.5}, {after: 2h}]}`;
    }
    drawChart();
  }

  // At the end of the run nothing moves forward: the buttons that would are disabled.
  function atTheEnd() {
    if (!state) return;
    for (const id of ["advance-next", "advance-by", "take", "preview", "forecast"]) $(id).disabled = state.ended;
  }

  function renderPlazas(s) {
    const body = $("plazas").tBodies[0];
    body.replaceChildren();
    for (const p of s.plazas) {
      const tr = document.createElement("tr");
      tr.dataset.plaza = p.key;
      const cells = [
        p.name,
        p.queue_km.toFixed(1) + " km",
        String(p.queued + p.staged) + (p.staged ? ` (${p.staged} staged)` : ""),
        waits(p.wait_now),
        waits(p.posted),
        `${p.booths_open} of ${p.booths}`,
        p.secondary_officers ? `${p.secondary_busy}/${p.secondary_officers} officers, ${p.bays_used}/${p.bays} bays` : "none",
        String(p.diverted_away),
        String(p.heading_here),
        String(p.gave_up),
      ];
      cells.forEach((c, i) => {
        const td = el("td", c);
        if (i === 1 && p.queue_km >= 2) td.className = "bad";
        else if (i === 1 && p.queue_km >= 0.5) td.className = "warn";
        if (i === 5 && p.booths_open < p.booths / 2) td.className = "warn";
        tr.append(td);
      });
      body.append(tr);
    }
  }

  function renderSchematic(s) {
    // Crossings side by side; for each, its two plazas as bars as long as their queue.
    const ns = "http://www.w3.org/2000/svg";
    const crossings = [];
    for (const p of s.plazas) {
      const c = p.key.split(".")[0];
      if (!crossings.includes(c)) crossings.push(c);
    }
    const w = 1200, h = 220, gap = w / crossings.length;
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "Regional schematic: queues at each crossing");
    const add = (tag, attrs, text) => {
      const e = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      if (text !== undefined) e.textContent = text;
      svg.append(e); return e;
    };
    add("line", { x1: 0, y1: h / 2, x2: w, y2: h / 2, stroke: "#56B4E9", "stroke-width": 6 });
    add("text", { x: 6, y: h / 2 - 10, "font-size": 12, fill: "#2a6f97" }, "border");
    add("text", { x: 6, y: 16, "font-size": 13, fill: "#555" }, "Canada side: traffic into the US queues here");
    add("text", { x: 6, y: h - 6, "font-size": 13, fill: "#555" }, "US side: traffic into Canada queues here");
    for (const d of s.detours) {
      const a = crossings.indexOf(d[0]), b = crossings.indexOf(d[1]);
      if (a < 0 || b < 0) continue;
      const xa = gap * (a + 0.5), xb = gap * (b + 0.5);
      add("path", { d: `M${xa},${h / 2} Q${(xa + xb) / 2},${h / 2 - 40} ${xb},${h / 2}`, fill: "none", stroke: "#bbb", "stroke-dasharray": "4 4" });
    }
    crossings.forEach((c, i) => {
      const x = gap * (i + 0.5);
      const us = s.plazas.find((p) => p.key === c + ".into_us");
      const ca = s.plazas.find((p) => p.key === c + ".into_canada");
      const name = (us || ca).name.replace(/ into (the US|Canada)$/, "");
      add("text", { x, y: h / 2 + 22, "text-anchor": "middle", "font-size": 14, "font-weight": 600 }, name);
      const bar = (p, up) => {
        if (!p) return;
        const len = Math.min(70, 8 + p.queue_km * 12);
        const colour = p.booths_open === 0 ? "#666" : p.queue_km >= 2 ? "#D55E00" : p.queue_km >= 0.5 ? "#E69F00" : "#009E73";
        add("rect", { x: x - 9, y: up ? h / 2 - 8 - len : h / 2 + 30, width: 18, height: len, fill: colour, rx: 3 });
        add("text", { x: x + 14, y: up ? h / 2 - 12 - len / 2 : h / 2 + 34 + len / 2, "font-size": 12 },
          `${p.queue_km.toFixed(1)} km${p.booths_open === 0 ? " (closed)" : ""}`);
      };
      bar(us, true);
      bar(ca, false);
    });
    $("schematic").replaceChildren(svg);
  }

  // ------------------------------------------------------------------ the chart
  function drawChart() {
    if (!state || typeof uPlot === "undefined") return;
    const key = $("chart-plaza").value;
    const curves = state.curves[key];
    if (!curves) return;
    const bin = state.bin_seconds;
    const xs = [], sofar = [], med = [], lo = [], hi = [], withIt = [];
    curves.queue_km.forEach((v, i) => { xs.push((i + 0.5) * bin / 3600); sofar.push(v); med.push(null); lo.push(null); hi.push(null); withIt.push(null); });
    const shared = !forecast && !preview && state.last_forecast ? state.last_forecast : null;
    const f = preview ? preview.without : forecast || (shared && shared.forecast);
    if (shared) $("forecast-note").textContent = `The room's last forecast: median and 10-90% band of ${shared.forecast.replications} replications from the situation now, ${shared.hours} h ahead, if nothing more is done.`;
    if (f && f.plazas[key]) {
      const b = f.plazas[key].queue_km;
      const w = preview ? preview.with.plazas[key].queue_km : null;
      const first = Math.round(f.start / bin);
      for (let i = 0; i < f.bins; i++) {
        const k = first + i;
        while (xs.length <= k) { xs.push((xs.length + 0.5) * bin / 3600); sofar.push(null); med.push(null); lo.push(null); hi.push(null); withIt.push(null); }
        med[k] = b.median[i]; lo[k] = b.low[i]; hi[k] = b.high[i];
        if (w) withIt[k] = w.median[i];
      }
    }
    const el0 = $("chart");
    const width = Math.max(320, el0.clientWidth || 900);
    const series = [
      { label: "clock", value: (u, v) => clockLabel(v) },
      { label: "queue so far (km)", stroke: "#0072B2", width: 2 },
      { label: preview ? "forecast without the decision (median)" : "forecast if nothing more is done (median)", stroke: "#D55E00", dash: [6, 4], width: 2 },
      { label: "10% of forecasts", stroke: "#E69F00", width: 1 },
      { label: "90% of forecasts", stroke: "#E69F00", width: 1 },
      { label: "forecast with the decision (median)", stroke: "#009E73", dash: [2, 3], width: 2, show: !!preview },
    ];
    const opts = {
      width, height: 300, series,
      scales: { x: { time: false } },
      axes: [{ label: "simulated clock", space: 90, values: (u, vals) => vals.map(clockLabel) }, { label: "queue (km)" }],
      bands: [{ series: [4, 3], fill: "rgba(230,159,0,0.15)" }],
    };
    if (chart) chart.destroy();
    chart = new uPlot(opts, [xs, sofar, med, lo, hi, withIt], el0);
    previewText(key);
  }

  // An axis tick (hours from the start) as the clock reads it: "Tue 14:00".
  function clockLabel(h) {
    if (h === null || h === undefined) return "";
    if (!state.start_iso) return h + " h";
    const t = new Date(Date.parse(state.start_iso + "Z") + h * 3600e3);
    const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][t.getUTCDay()];
    return `${day} ${String(t.getUTCHours()).padStart(2, "0")}:${String(t.getUTCMinutes()).padStart(2, "0")}`;
  }

  // What the preview says at the plaza shown, in words (and colour): the queue over the
  // whole window (km-hours, the area under the median curve) and at its longest.
  function previewText(key) {
    const out = $("preview-result"); out.replaceChildren();
    if (!preview) return;
    const a = preview.without.plazas[key].queue_km.median, b = preview.with.plazas[key].queue_km.median;
    const hours = state.bin_seconds / 3600;
    const areaA = a.reduce((x, y) => x + y, 0) * hours, areaB = b.reduce((x, y) => x + y, 0) * hours;
    const peakA = Math.max(...a), peakB = Math.max(...b);
    const name = $("chart-plaza").selectedOptions[0].textContent;
    const small = Math.abs(areaB - areaA) <= Math.max(0.05 * areaA, 0.1) && Math.abs(peakB - peakA) < 0.1;
    const verdict = small ? "no difference that matters" : areaB < areaA ? "better" : "worse";
    const words = `at ${name}, the queue on the road would add up to ${areaB.toFixed(1)} km-hours with the decision against ${areaA.toFixed(1)} without, at its longest ${peakB.toFixed(1)} km against ${peakA.toFixed(1)} km: ${verdict}`;
    const gone = preview.with.plazas[key].gave_up - preview.without.plazas[key].gave_up;
    const left = Math.abs(gone) >= 1 ? ` Drivers giving up: ${gone > 0 ? "+" : ""}${Math.round(gone)}.` : "";
    out.append(el("span", `Preview, not taken, over the next ${preview.hours} h (medians of ${preview.with.replications} paired replications; vehicles held in staging are off the road): ${words}.${left} Choose another plaza above to see it there.`,
      small ? "" : verdict));
  }

  // ------------------------------------------------------------------ decisions
  const FIELDS = {
    open_booths: [["where", "lane_group"], ["open", "int", "booths open"], ["add", "int", "or booths added"]],
    reallocate: [["where", "lane_group"], ["serves", "classes", "to serve"]],
    priority: [["where", "plaza"]],
    divert: [["from", "plaza"], ["to", "plazas"], ["classes", "classes"], ["mode", "mode"]],
    staging: [["where", "plaza"], ["classes", "classes"], ["per_hour", "number", "released an hour"]],
    // A phased reopening in two steps: a share of the booths to some tiers at once, then
    // everything after some hours (more steps: write it as YAML).
    phased_reopening: [["where", "plaza"], ["fraction", "number", "share of booths first (0-1)"],
      ["tiers", "tiers", "tiers admitted first"], ["full_after", "number", "everyone after (hours)"]],
  };

  function covers(role, key) {
    const [c, d] = key.split(".");
    return role.where.some((w) => w === "everywhere" || w === d || w === c || w === c + "." + d);
  }

  function buildForm(s) {
    const role = $("d-role"); role.replaceChildren();
    for (const r of Object.keys(s.roles)) { const o = el("option", r); o.value = r; role.append(o); }
    role.onchange = () => fillTypes(s);
    $("d-type").onchange = () => fillFields(s);
    fillTypes(s);
  }

  function fillTypes(s) {
    const r = s.roles[$("d-role").value];
    const t = $("d-type"); t.replaceChildren();
    for (const a of r.actions) { const o = el("option", a.replace(/_/g, " ")); o.value = a; t.append(o); }
    fillFields(s);
  }

  function fillFields(s) {
    const role = s.roles[$("d-role").value], type = $("d-type").value;
    const box = $("d-fields"); box.replaceChildren();
    for (const [name, kind, text] of FIELDS[type] || []) {
      const label = el("label", (text || name.replace(/_/g, " ")) + " ");
      let input;
      if (kind === "lane_group" || kind === "plaza") {
        input = document.createElement("select");
        const options = kind === "plaza" ? s.plazas.map((p) => [p.key, p.name]) : s.lane_groups.map((g) => [g.key, g.name]);
        for (const [value, words] of options) {
          if (name !== "to" && !covers(role, value)) continue;
          const o = el("option", words); o.value = value; input.append(o);
        }
      } else if (kind === "plazas" || kind === "classes") {
        input = document.createElement("select"); input.multiple = true; input.size = 3;
        const options = kind === "plazas" ? s.plazas.map((p) => [p.key, p.name]) : s.classes.map((c) => [c, c]);
        for (const [value, words] of options) { const o = el("option", words); o.value = value; input.append(o); }
      } else if (kind === "mode") {
        input = document.createElement("select");
        for (const m of ["voluntary", "mandatory", "information"]) { const o = el("option", m); o.value = m; input.append(o); }
      } else if (kind === "tiers") {
        input = document.createElement("select");
        for (const [v, words] of [["1", "1: national priority"], ["2", "2: and trusted travellers"], ["3", "3: everyone"]]) {
          const o = el("option", words); o.value = v; input.append(o);
        }
      } else {
        input = document.createElement("input"); input.type = "number"; input.min = "0"; input.step = kind === "int" ? "1" : "any"; input.style.width = "5em";
      }
      input.dataset.field = name; input.dataset.kind = kind;
      label.append(input); box.append(label);
    }
    const from = box.querySelector("[data-field=from]"), to = box.querySelector("[data-field=to]");
    if (from && to) {
      const sameWay = () => {
        const way = from.value.split(".")[1];
        for (const o of to.options) {
          o.hidden = o.disabled = o.value === from.value || o.value.split(".")[1] !== way;
          if (o.disabled) o.selected = false;
        }
      };
      from.onchange = sameWay; sameWay();
    }
    if (!FIELDS[type]) box.append(el("span", `write the ${type.replace(/_/g, " ")} as YAML below`, "note"));
  }

  function decision() {
    const yaml = $("d-yaml").value.trim();
    const body = { role: $("d-role").value, version: state.version };
    const hours = $("d-hours").value;
    if (hours) body.for_hours = Number(hours);
    if (yaml) { body.action = yaml; return body; }
    const action = { type: $("d-type").value };
    for (const input of $("d-fields").querySelectorAll("[data-field]")) {
      const k = input.dataset.kind, f = input.dataset.field;
      if (input.multiple) {
        const v = Array.from(input.selectedOptions).map((o) => o.value);
        if (v.length) action[f] = v;
      } else if (input.type === "number") {
        if (input.value !== "") action[f] = Number(input.value);  // 2.5 booths is refused, not cut
      } else if (input.value) action[f] = input.value;
    }
    if (action.type === "phased_reopening") {  // the form's two steps, as a plan writes them
      const first = { after: "0s", fraction: action.fraction, tiers: Number(action.tiers || 3) };
      if (first.fraction === undefined) delete first.fraction;
      const steps = [first];
      if (action.full_after !== undefined) steps.push({ after: `${Math.round(action.full_after * 60)}min` });
      delete action.fraction; delete action.tiers; delete action.full_after;
      action.steps = steps;
    }
    body.action = action;
    return body;
  }

  // ------------------------------------------------------------------ waiting on the server
  function busy(on, what) {
    for (const b of document.querySelectorAll("button")) b.disabled = on;
    $("progress").hidden = !on;
    if (on) {
      $("progress-text").textContent = what;
      polling = setInterval(() => api("/api/progress").then((p) => {
        const bar = $("progress").querySelector("progress");
        bar.max = p.of || 1; bar.value = p.done;
        $("progress-text").textContent = `${what}: ${p.done} of ${p.of} replications`;
      }).catch(() => {}), 300);
    } else {
      if (polling) { clearInterval(polling); polling = null; }
      atTheEnd();
    }
  }

  function refresh() {
    return api("/api/state").then(render).catch((e) => say(e.message, "error"));
  }

  function move(path, body, done) {
    say("");
    const before = state;
    busy(true, "working");
    return api(path, body)
      .then((r) => api("/api/state").then((s) => {
        forecast = null; preview = null;
        $("forecast-note").textContent = "";
        render(s);
        say(done(r, before, s), "ok");
      }))
      .catch((e) => { say(e.message, "error"); refresh(); })
      .finally(() => busy(false));
  }

  function advanced(r, before, s) {
    const n = s.injects.length - before.injects.length;
    return `Advanced to ${s.clock}` + (n ? `: ${n} new inject${n > 1 ? "s" : ""}.` : "; no new inject.");
  }

  $("advance-next").onclick = () => move("/api/advance", { version: state.version }, advanced);
  $("advance-by").onclick = () => move("/api/advance", { version: state.version, hours: Number($("advance-hours").value) }, advanced);
  $("rewind").onclick = () => move("/api/rewind", { version: state.version, to: Number($("rewind-to").value) },
    (r, before, s) => `Rewound to ${s.clock}: ${r.undone ? r.undone + " decision" + (r.undone > 1 ? "s" : "") + " taken at or after it undone (kept in the log)" : "no decision to undo"}.`);
  $("chart-plaza").onchange = drawChart;
  $("decision-form").onsubmit = (ev) => {
    ev.preventDefault();
    move("/api/decide", decision(), (r) => "Decision taken: " + r.text);
  };
  $("forecast").onclick = () => {
    say("");
    busy(true, "forecasting");
    api("/api/forecast", { ahead: Number($("fc-hours").value), reps: Number($("fc-reps").value) })
      .then((r) => { forecast = r.forecast; preview = null; $("forecast-note").textContent = `Median and 10-90% band of ${r.forecast.replications} replications from the situation now, ${r.hours} h ahead, if nothing more is done.`; drawChart(); })
      .catch((e) => say(e.message, "error")).finally(() => busy(false));
  };
  $("preview").onclick = () => {
    const body = { ...decision(), reps: Number($("fc-reps").value), ahead: Number($("fc-hours").value) };
    say("");
    busy(true, "previewing");
    api("/api/preview", body)
      .then((r) => { preview = r; forecast = null; drawChart(); })
      .catch((e) => say(e.message, "error")).finally(() => busy(false));
  };
  window.addEventListener("resize", drawChart);
  refresh();
  setInterval(() => { if (!polling) refresh(); }, 5000);  // observers follow the room
})();
