// Stancewire's analysis page: posts the text to /v1/analyze and renders the JSON it gets back.
// Every span is placed from the API's character offsets; nothing is parsed here.
"use strict";

(() => {
  // Light backgrounds that keep dark text above 7:1 contrast.
  const ACTOR_COLOURS = [
    "#a8d1ff", "#ffd59e", "#b9f0b0", "#f5b8c4", "#d9c6ff", "#aee8e4",
    "#ffe680", "#e2c9a6", "#c7d6e6", "#f7c6f0", "#cfe8a9", "#ffc4a3",
  ];
  const QUAD_COLOURS = {
    verbal_cooperation: "#2e8b57",
    material_cooperation: "#1a5e20",
    verbal_conflict: "#d4700a",
    material_conflict: "#b3141c",
  };

  const $ = (selector) => document.querySelector(selector);
  const form = $("#analyze-form");
  const textInput = $("#text");
  const fileInput = $("#file");
  const keyInput = $("#api-key");
  const dateInput = $("#article-date");
  const submit = $("#submit");
  const status = $("#status");
  const errorBox = $("#error");
  const results = $("#results");
  const article = $("#article");
  const tooltip = $("#tooltip");
  const tbody = $("#stances tbody");
  const graphBox = $("#graph");

  let current = null; // {text, data, actors: Map, colours: Map}
  let graph = null;

  function el(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  // -- errors ---------------------------------------------------------------------------

  function describeError(statusCode, problem, retryAfter) {
    const detail = problem && typeof problem.detail === "string" ? problem.detail : "";
    const wait = retryAfter ? `${retryAfter} second${retryAfter === "1" ? "" : "s"}` : "a moment";
    switch (statusCode) {
      case 401:
        return ["API key needed", "This service requires an API key: enter it under “API key” and try again."];
      case 408:
        return ["Upload too slow", "The text did not reach the service in time. Please try again."];
      case 413:
        return ["Text too long", `The text is too long for this service. ${detail} Split the article into shorter parts and try again.`];
      case 415:
        return ["Unsupported request", detail || "The service expects JSON."];
      case 422:
        return ["Cannot analyse this text", detail || "The service could not accept this text."];
      case 429:
        return ["Service busy", `The service has too many texts to analyse right now. Please try again in ${wait}.`];
      case 503:
        return ["Service not ready", `The service is starting up or recovering. Please try again in ${wait}.`];
      case 504:
        return ["Analysis took too long", "The analysis did not finish in time. Try a shorter text."];
      default:
        return ["Analysis failed", detail || "The service could not analyse the text."];
    }
  }

  function showError(statusCode, title, message) {
    errorBox.replaceChildren(
      el("h3", { text: statusCode ? `Error ${statusCode}: ${title}` : title }),
      el("p", { text: message }),
    );
    errorBox.dataset.status = statusCode ? String(statusCode) : "";
    errorBox.hidden = false;
  }

  function clearError() {
    errorBox.hidden = true;
    errorBox.replaceChildren();
    delete errorBox.dataset.status;
  }

  // -- request --------------------------------------------------------------------------

  async function analyse(text) {
    clearError();
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    status.textContent = "Analysing…";
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    const key = keyInput.value.trim();
    if (key) headers.Authorization = `Bearer ${key}`;
    try {
      let response;
      try {
        const body = { text };
        if (dateInput.value) body.date = dateInput.value;
        response = await fetch("/v1/analyze", { method: "POST", headers, body: JSON.stringify(body) });
      } catch (err) {
        status.textContent = "";
        showError(0, "Service unreachable", "Could not reach the Stancewire service. Check that it is running and try again.");
        return;
      }
      if (!response.ok) {
        let problem = null;
        try { problem = await response.json(); } catch (err) { problem = null; }
        const [title, message] = describeError(response.status, problem, response.headers.get("Retry-After"));
        status.textContent = "";
        showError(response.status, title, message);
        return;
      }
      const data = await response.json();
      render(text, data);
      const ms = data.meta ? Math.round(data.meta.elapsed_ms) : 0;
      status.textContent = `Found ${data.actors.length} actors and ${data.stances.length} stances in ${ms} ms.`;
    } finally {
      submit.disabled = false;
      form.removeAttribute("aria-busy");
    }
  }

  // -- rendering ------------------------------------------------------------------------

  function render(text, data) {
    const actors = new Map(data.actors.map((a) => [a.id, a]));
    const colours = new Map(data.actors.map((a, i) => [a.id, ACTOR_COLOURS[i % ACTOR_COLOURS.length]]));
    current = { text, data, actors, colours, units: utf16Units(text), selected: null };
    results.hidden = false;
    renderLegend();
    renderArticle();
    renderTable();
    renderGraph();
  }

  function actorNames(ids) {
    return ids.map((id) => (current.actors.get(id) || { name: id }).name);
  }

  function renderLegend() {
    const legend = $("#actor-legend");
    legend.replaceChildren(...current.data.actors.map((actor) => {
      const chip = el("span", { class: "chip", "aria-hidden": "true" });
      chip.style.backgroundColor = current.colours.get(actor.id);
      const facts = [actor.kind, actor.country, actor.sector].filter(Boolean).join(", ");
      return el("li", {}, [chip, `${actor.name} (${facts})`]);
    }));
  }

  // The API's offsets count code points (Python string indices); JavaScript strings count UTF-16
  // units, in which every character beyond the Basic Multilingual Plane (most emoji) takes two.
  // units[i] is where the i-th code point starts.
  function utf16Units(text) {
    const units = [0];
    let unit = 0;
    for (const char of text) {
      unit += char.length;
      units.push(unit);
    }
    return units;
  }

  // Cut the text at every span boundary, then nest: evidence > actor mention > trigger.
  function renderArticle() {
    hideTooltip(); // the mark it described is about to be replaced
    const { text, data, units } = current;
    const at = (codePoint) => units[Math.max(0, Math.min(codePoint, units.length - 1))];
    const mentions = [];
    for (const actor of data.actors) {
      for (const m of actor.mentions) mentions.push({ start: at(m.start), end: at(m.end), actor: actor.id });
    }
    const triggers = new Map();
    for (const s of data.stances) {
      const key = `${s.trigger.start}:${s.trigger.end}`;
      if (!triggers.has(key)) triggers.set(key, { start: at(s.trigger.start), end: at(s.trigger.end), stances: [] });
      triggers.get(key).stances.push(s);
    }
    const places = new Map();
    for (const s of data.stances) {
      if (!s.location) continue;
      const m = s.location.mention;
      const key = `${m.start}:${m.end}`;
      if (!places.has(key)) places.set(key, { start: at(m.start), end: at(m.end), location: s.location, stances: [] });
      places.get(key).stances.push(s.id);
    }
    const selected = current.selected ? data.stances.find((s) => s.id === current.selected) : null;
    const evidence = selected ? [{ start: at(selected.evidence.start), end: at(selected.evidence.end) }] : [];

    const cuts = new Set([0, text.length]);
    for (const span of [...mentions, ...triggers.values(), ...places.values(), ...evidence]) {
      cuts.add(Math.max(0, Math.min(span.start, text.length)));
      cuts.add(Math.max(0, Math.min(span.end, text.length)));
    }
    const points = [...cuts].sort((a, b) => a - b);
    const innermost = (spans, a, b) => {
      let best = null;
      for (const span of spans) {
        if (span.start <= a && b <= span.end && (!best || span.end - span.start < best.end - best.start)) best = span;
      }
      return best;
    };
    const segments = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i], points[i + 1]];
      if (a === b) continue;
      segments.push({
        start: a,
        end: b,
        evidence: innermost(evidence, a, b),
        place: innermost([...places.values()], a, b),
        mention: innermost(mentions, a, b),
        trigger: innermost([...triggers.values()], a, b),
      });
    }
    // [field, element maker, label shown after the span's last piece (CSS ::after, so not part of the text)]
    const layers = [
      ["evidence", () => el("span", { class: "evidence", id: "evidence-highlight" }), null],
      ["place", (span) => placeElement(span, selected), null],
      ["mention", mentionElement, (span) => current.actors.get(span.actor).kind],
      ["trigger", triggerElement, (span) => [...new Set(span.stances.map((s) => s.event))].join("/")],
    ];
    const nest = (segs, depth) => {
      if (depth === layers.length) return segs.map((s) => document.createTextNode(text.slice(s.start, s.end)));
      const [field, make, label] = layers[depth];
      const out = [];
      let i = 0;
      while (i < segs.length) {
        const span = segs[i][field];
        let j = i + 1;
        while (j < segs.length && segs[j][field] === span) j++;
        const inner = nest(segs.slice(i, j), depth + 1);
        if (span) {
          const wrapper = make(span);
          wrapper.append(...inner);
          if (label && segs[j - 1].end === span.end) wrapper.dataset.label = label(span);
          out.push(wrapper);
        } else {
          out.push(...inner);
        }
        i = j;
      }
      return out;
    };
    article.replaceChildren(...nest(segments, 0));
  }

  function mentionElement(span) {
    const actor = current.actors.get(span.actor);
    const mark = el("mark", {
      class: "mention",
      tabindex: "0",
      "aria-describedby": "tooltip",
      dataset: { actor: actor.id },
    });
    mark.style.backgroundColor = current.colours.get(actor.id);
    return mark;
  }

  // Where a stance happened: framed in the text, and filled in while its row is chosen.
  function placeElement(span, selected) {
    const isSelected = Boolean(selected && span.stances.includes(selected.id));
    return el("span", {
      class: isSelected ? "place selected" : "place",
      title: `Place: ${placeText(span.location)}`,
      dataset: { country: span.location.country, stances: span.stances.join(" ") },
    });
  }

  function placeText(location) {
    const parts = [location.level || "place", location.admin1, location.country].filter(Boolean).join(", ");
    const where = location.latitude === null ? "" : ` at ${location.latitude.toFixed(2)}, ${location.longitude.toFixed(2)}`;
    const sure = location.ambiguous ? `, ambiguous name (confidence ${location.confidence.toFixed(2)})` : "";
    const id = location.geonames_id ? `, GeoNames ${location.geonames_id}` : "";
    return `${location.name} (${parts})${where}${id}${sure}`;
  }

  function dateText(date) {
    if (!date) return "—";
    return date.resolved ? date.value : `“${date.mention.text}” (no article date)`;
  }

  function triggerElement(span) {
    const events = span.stances.map((s) => `${s.event} (${s.modality})`);
    const rules = span.stances.filter((s) => s.rule).map((s) => `${s.event}: ${s.rule.ref}`);
    const why = rules.length ? `\nCoded by ${[...new Set(rules)].join("; ")}` : "";
    return el("span", { class: "trigger", title: `Stance trigger: ${events.join(", ")}${why}` });
  }

  // What the analyst needs to audit a coding: the quad class, the rule that matched and the CAMEO code.
  function ruleText(stance) {
    const lines = [stance.quad.replace("_", " ")];
    if (stance.mode || stance.context) lines.push(`mode ${stance.mode || "—"}, context ${stance.context || "—"}`);
    if (stance.rule) {
      lines.push(`Rule (${stance.rule.source}) ${stance.rule.ref}`, stance.rule.text);
      if (stance.rule.cameo) lines.push(`CAMEO ${stance.rule.cameo}`);
    }
    return lines.join("\n");
  }

  function showTooltip(mark) {
    const actor = current && current.actors.get(mark.dataset.actor);
    if (!actor) return;
    const rows = [["Name", actor.name], ["Kind", actor.kind], ["Country", actor.country || "—"], ["Sector", actor.sector || "—"]];
    if (actor.title) rows.push(["Title", actor.title]);
    tooltip.replaceChildren(el("dl", {}, rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })])));
    tooltip.hidden = false;
    const box = mark.getBoundingClientRect();
    tooltip.style.left = `${window.scrollX + box.left}px`;
    tooltip.style.top = `${window.scrollY + box.bottom + 6}px`;
  }

  function hideTooltip() {
    tooltip.hidden = true;
  }

  function renderTable() {
    const { data } = current;
    $("#no-stances").hidden = data.stances.length > 0;
    tbody.replaceChildren(...data.stances.map((stance) => {
      const holder = actorNames(stance.holder).join(", ");
      const target = stance.target.length ? actorNames(stance.target).join(", ") : "—";
      const chip = el("span", { class: `event-chip q-${stance.quad}`, "aria-hidden": "true" });
      const row = el("tr", {
        tabindex: "0",
        title: `${holder} → ${stance.event} → ${target}: show the evidence`,
        dataset: { stance: stance.id, holder, event: stance.event, target },
      }, [
        el("td", { text: holder }),
        el("td", { class: "event", title: ruleText(stance), dataset: { rule: stance.rule ? stance.rule.ref : "" } }, [chip, stance.event]),
        el("td", { text: target }),
        el("td", {
          class: "place-cell",
          text: stance.location ? `${stance.location.name} (${stance.location.country})` : "—",
          title: stance.location ? `${placeText(stance.location)}; the text says “${stance.location.mention.text}”` : "No place in the event's clause",
        }),
        el("td", {
          class: "date-cell",
          text: dateText(stance.date),
          title: stance.date ? `${stance.date.precision || ""} precision; the text says “${stance.date.mention.text}”` : "No date in the event's clause",
        }),
        el("td", { text: stance.modality }),
        el("td", { text: stance.confidence.toFixed(2) }),
      ]);
      return row;
    }));
  }

  function selectStance(id) {
    current.selected = id;
    for (const row of tbody.rows) row.setAttribute("aria-current", String(row.dataset.stance === id));
    renderArticle();
    const highlight = $("#evidence-highlight");
    if (highlight) highlight.scrollIntoView({ block: "center", behavior: "smooth" });
    if (graph) {
      graph.edges().removeClass("selected");
      graph.edges(`[stance = "${id}"]`).addClass("selected");
    }
  }

  function renderGraph() {
    const { data } = current;
    const nodes = data.actors.map((actor) => ({
      data: {
        id: actor.id,
        label: actor.name,
        size: Math.round(24 + 56 * actor.salience),
        colour: current.colours.get(actor.id),
      },
    }));
    const edges = [];
    const listed = [];
    for (const stance of data.stances) {
      for (const h of stance.holder) {
        for (const t of stance.target) {
          if (!current.actors.has(h) || !current.actors.has(t)) continue;
          edges.push({
            data: {
              id: `${stance.id}-${h}-${t}`,
              source: h,
              target: t,
              stance: stance.id,
              label: stance.event,
              colour: QUAD_COLOURS[stance.quad] || "#6e7781",
              line: stance.modality === "asserted" ? "solid" : "dashed",
            },
          });
          listed.push(`${current.actors.get(h).name} → ${stance.event} (${stance.modality}) → ${current.actors.get(t).name}`);
        }
      }
    }
    graphBox.dataset.nodes = String(nodes.length);
    graphBox.dataset.edges = String(edges.length);
    graphBox.setAttribute("aria-label", `Actor graph: ${nodes.length} actors and ${edges.length} stances. The list below describes it.`);
    $("#graph-list").replaceChildren(
      ...data.actors.map((a) => el("li", { class: "graph-node", text: `${a.name} (salience ${a.salience.toFixed(2)})` })),
      ...listed.map((line) => el("li", { class: "graph-edge", text: line })),
    );
    if (graph) graph.destroy();
    graph = null;
    if (typeof window.cytoscape !== "function") return; // the list above still describes the graph
    graph = window.cytoscape({
      container: graphBox,
      elements: { nodes, edges },
      style: [
        {
          selector: "node",
          style: {
            label: "data(label)", width: "data(size)", height: "data(size)", "background-color": "data(colour)",
            "border-width": 1, "border-color": "#4a5560", "font-size": 11, color: "#1b1f24",
            "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "wrap", "text-max-width": 120,
          },
        },
        {
          selector: "edge",
          style: {
            width: 2.5, "line-color": "data(colour)", "target-arrow-color": "data(colour)",
            "target-arrow-shape": "triangle", "curve-style": "bezier", "line-style": "data(line)",
            label: "data(label)", "font-size": 9, color: "#1b1f24", "text-background-color": "#ffffff",
            "text-background-opacity": 0.85, "text-rotation": "autorotate",
          },
        },
        { selector: "edge.selected", style: { width: 5, "z-index": 10 } },
      ],
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 110, padding: 24 },
    });
    graph.on("tap", "edge", (event) => selectStance(event.target.data("stance")));
    window.stancewireGraph = graph;
  }

  // -- events ---------------------------------------------------------------------------

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    analyse(textInput.value);
  });
  textInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    textInput.value = await file.text();
    status.textContent = `Loaded ${file.name}. Choose “Analyse” to analyse it.`;
  });
  tbody.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-stance]");
    if (row) selectStance(row.dataset.stance);
  });
  tbody.addEventListener("keydown", (event) => {
    const row = event.target.closest("tr[data-stance]");
    if (!row) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      selectStance(row.dataset.stance);
    } else if (event.key === "ArrowDown" && row.nextElementSibling) {
      event.preventDefault();
      row.nextElementSibling.focus();
    } else if (event.key === "ArrowUp" && row.previousElementSibling) {
      event.preventDefault();
      row.previousElementSibling.focus();
    }
  });
  for (const type of ["mouseover", "focusin"]) {
    article.addEventListener(type, (event) => {
      const mark = event.target.closest("mark.mention");
      if (mark) showTooltip(mark);
    });
  }
  for (const type of ["mouseout", "focusout"]) {
    article.addEventListener(type, (event) => {
      if (event.target.closest("mark.mention")) hideTooltip();
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hideTooltip();
  });
})();
