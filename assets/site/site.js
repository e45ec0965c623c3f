// kgql's pages work without this script; with it they add suggestions as you type, colours in
// the SPARQL editor, and a neighbourhood picture that can be expanded and filtered. It talks only
// to the server's own GraphQL endpoint. Written for kgql; Apache-2.0, as kgql.
"use strict";

const SVG = "http://www.w3.org/2000/svg";

async function graphql(query, variables) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const answer = await response.json();
  if (answer.errors && answer.errors.length) throw new Error(answer.errors[0].message);
  return answer.data;
}

// The page of an entity, wherever its IRI is.
const pageOf = (iri) => "/go?iri=" + encodeURIComponent(iri);

// Suggestions as you type, from the search index, in a datalist. Choosing one in the header's
// search box opens its page; in other boxes it fills the box.
function suggest(input, n) {
  const list = document.createElement("datalist");
  list.id = "suggestions-" + n;
  input.after(list);
  input.setAttribute("list", list.id);
  let timer = 0;
  let asked = "";
  let iris = new Map();
  input.addEventListener("input", (event) => {
    const text = input.value.trim();
    const picked = iris.get(input.value);
    if (picked && event.inputType !== "insertText" && event.inputType !== "deleteContentBackward") {
      if (input.closest("form.search")) window.location.href = pageOf(picked);
      return;
    }
    clearTimeout(timer);
    if (text.length < 2 || text === asked) return;
    timer = setTimeout(async () => {
      asked = text;
      try {
        const data = await graphql(
          "query($text: String!) { search(text: $text, first: 8) { entity { __typename iri label } } }",
          { text },
        );
        list.replaceChildren();
        iris = new Map();
        for (const hit of data.search) {
          const label = hit.entity.label || hit.entity.iri;
          if (iris.has(label)) continue;
          iris.set(label, hit.entity.iri);
          const option = document.createElement("option");
          option.value = label;
          option.label = hit.entity.__typename;
          list.append(option);
        }
      } catch (error) {
        list.replaceChildren();
      }
    }, 150);
  });
}

// SPARQL in colour: a highlighted copy of the text lies under the textarea, whose own text is
// transparent; the textarea grows with its text so that both wrap and scroll alike.
const KEYWORDS =
  "select|construct|describe|ask|where|from|named|prefix|base|optional|filter|union|minus|graph|service|silent|bind|as|values|group|by|having|order|asc|desc|limit|offset|distinct|reduced|not|exists|in|insert|delete|data|with|using|load|clear|drop|create|add|move|copy|into|default|all|a|true|false|undef|lateral";
const TOKENS = new RegExp(
  [
    "(#[^\\n]*)", // comment
    "(<[^<>\"{}|^`\\\\\\s]*>)", // IRI
    "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", // string
    "([?$][\\p{L}\\p{N}_]+)", // variable
    "((?:[\\p{L}][\\p{L}\\p{N}_.-]*)?:[\\p{L}\\p{N}_](?:[\\p{L}\\p{N}_.-]*[\\p{L}\\p{N}_-])?|[\\p{L}][\\p{L}\\p{N}_.-]*:(?![\\p{L}\\p{N}_]))", // prefixed name
    `\\b(${KEYWORDS})\\b`, // keyword
    "(\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\b)", // number
  ].join("|"),
  "giu",
);
const CLASSES = [null, "tk-c", "tk-i", "tk-s", "tk-v", "tk-p", "tk-k", "tk-n"];

function highlight(text) {
  const out = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(TOKENS)) {
    if (match.index > last) out.append(text.slice(last, match.index));
    const span = document.createElement("span");
    span.className = CLASSES[match.slice(1).findIndex((g) => g !== undefined) + 1];
    span.textContent = match[0];
    out.append(span);
    last = match.index + match[0].length;
  }
  out.append(text.slice(last) + (text.endsWith("\n") ? " " : ""));
  return out;
}

function editor(textarea) {
  const box = document.createElement("div");
  box.className = "editor on";
  const under = document.createElement("pre");
  under.setAttribute("aria-hidden", "true");
  textarea.before(box);
  box.append(under, textarea);
  const update = () => {
    under.replaceChildren(highlight(textarea.value));
    textarea.style.height = "auto";
    textarea.style.height = textarea.scrollHeight + 2 + "px";
  };
  textarea.style.overflow = "hidden";
  textarea.style.resize = "none";
  textarea.addEventListener("input", update);
  // Ctrl+Enter runs the query.
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) textarea.form.requestSubmit();
  });
  update();
}

// The neighbourhood picture: the server drew it; here its nodes can be expanded (their own
// neighbours are fetched and placed around them) and its relations filtered.
const COLOURS = ["#0969da", "#cf222e", "#1a7f37", "#8250df", "#bc4c00", "#bf3989", "#0a7480", "#7d4e00",
  "#4b5fc9", "#a0111f", "#2f6f3e", "#6e7781"];
const NEIGHBOURHOOD = `query($iri: String!) { neighbourhood(iri: $iri, depth: 1, first: 30) {
  nodes { entity { __typename iri label } } edges { source target predicate label } } }`;

function picture(figure) {
  const svg = figure.querySelector("svg");
  const centre = figure.dataset.centre;
  const nodes = new Map();
  const edges = [];
  const relations = new Map();
  const hidden = new Set();
  const [, , width, height] = svg.getAttribute("viewBox").split(" ").map(Number);
  for (const g of svg.querySelectorAll("g.node")) {
    const [x, y] = g.getAttribute("transform").match(/-?[\d.]+/g).map(Number);
    const link = g.querySelector("a");
    nodes.set(g.dataset.iri, {
      iri: g.dataset.iri,
      label: g.dataset.label,
      type: g.dataset.type,
      href: link ? link.getAttribute("href") : pageOf(g.dataset.iri),
      x,
      y,
      expanded: g.dataset.iri === centre,
    });
  }
  const relation = (predicate, label) => {
    if (!relations.has(predicate)) {
      relations.set(predicate, { label, colour: COLOURS[Math.min(relations.size, COLOURS.length - 1)] });
    }
  };
  const addEdge = (source, target, predicate, label) => {
    if (edges.some((e) => e.source === source && e.target === target && e.predicate === predicate)) return;
    relation(predicate, label);
    edges.push({ source, target, predicate, label });
  };
  for (const line of svg.querySelectorAll("line")) {
    const d = line.dataset;
    addEdge(d.source, d.target, d.predicate, d.label);
  }

  // The key becomes the filter: a checkbox per relation.
  const key = figure.querySelector("ul.key");
  const caption = figure.querySelector("figcaption");
  const drawKey = () => {
    key.replaceChildren();
    for (const [predicate, { label, colour }] of relations) {
      const item = document.createElement("li");
      const box = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.checked = !hidden.has(predicate);
      input.addEventListener("change", () => {
        if (input.checked) hidden.delete(predicate);
        else hidden.add(predicate);
        draw();
      });
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = colour;
      box.append(input, swatch, label);
      item.append(box);
      key.append(item);
    }
  };

  // New nodes fan out from the node they were fetched for, away from the centre, then settle:
  // the placed nodes stay; new ones keep a link's length from their links and room from all.
  const fan = (parent, fresh) => {
    const origin = nodes.get(centre);
    const away = parent === origin ? 0 : Math.atan2(parent.y - origin.y, parent.x - origin.x);
    const spread = parent === origin ? Math.PI : Math.PI / 2.5;
    fresh.forEach((node, i) => {
      const t = fresh.length === 1 ? 0 : (i / (fresh.length - 1)) * 2 - 1;
      const radius = 110 + (i % 2) * 60;
      node.x = parent.x + Math.cos(away + t * spread) * radius;
      node.y = parent.y + Math.sin(away + t * spread) * radius;
    });
  };
  // Then all settle (Fruchterman and Reingold's forces; the centre stays): every pair pushes
  // apart, links pull together. Labels are wide, so rows need less room than columns.
  const settle = () => {
    const all = [...nodes.values()];
    const origin = nodes.get(centre);
    const k = 70;
    const rounds = 300;
    for (let round = 0; round < rounds; round++) {
      const heat = 25 * (1 - round / rounds) + 0.5;
      const move = all.map(() => [0, 0]);
      for (let i = 0; i < all.length; i++) {
        for (let j = i + 1; j < all.length; j++) {
          const dx = all[i].x - all[j].x;
          const dy = (all[i].y - all[j].y) * 2.5;
          const d = Math.max(Math.hypot(dx, dy), 1);
          const f = (k * k) / d / d;
          move[i][0] += dx * f;
          move[i][1] += dy * f;
          move[j][0] -= dx * f;
          move[j][1] -= dy * f;
        }
      }
      const index = new Map(all.map((n, i) => [n.iri, i]));
      for (const e of edges) {
        const i = index.get(e.source);
        const j = index.get(e.target);
        if (i === undefined || j === undefined || i === j) continue;
        const dx = all[i].x - all[j].x;
        const dy = all[i].y - all[j].y;
        const d = Math.max(Math.hypot(dx, dy), 1);
        const f = d / k;
        move[i][0] -= dx * f;
        move[i][1] -= dy * f;
        move[j][0] += dx * f;
        move[j][1] += dy * f;
      }
      all.forEach((node, i) => {
        if (node === origin) return;
        const [mx, my] = move[i];
        const length = Math.hypot(mx, my) || 1;
        const step = Math.min(length, heat);
        node.x += (mx / length) * step;
        node.y += (my / length) * step;
      });
    }
  };

  const expand = async (node, button) => {
    button.setAttribute("aria-busy", "true");
    try {
      const data = await graphql(NEIGHBOURHOOD, { iri: node.iri });
      const fresh = [];
      for (const { entity } of data.neighbourhood.nodes) {
        if (nodes.has(entity.iri)) continue;
        const angle = Math.random() * Math.PI * 2;
        const added = {
          iri: entity.iri,
          label: entity.label || entity.iri,
          type: entity.__typename,
          href: pageOf(entity.iri),
          x: node.x + Math.cos(angle) * 90,
          y: node.y + Math.sin(angle) * 90,
          expanded: false,
        };
        nodes.set(entity.iri, added);
        fresh.push(added);
      }
      for (const e of data.neighbourhood.edges) {
        if (nodes.has(e.source) && nodes.has(e.target)) addEdge(e.source, e.target, e.predicate, e.label || e.predicate);
      }
      node.expanded = true;
      fan(node, fresh);
      settle();
      drawKey();
      draw();
      caption.textContent = `${nodes.size} entities, ${edges.length} links. Select an entity to open its page; + shows what it links to.`;
    } catch (error) {
      caption.textContent = "Could not fetch more: " + error.message;
    }
  };

  const element = (name, attributes, parent) => {
    const el = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
    if (parent) parent.append(el);
    return el;
  };
  const short = (text) => (text.length > 26 ? text.slice(0, 25).trimEnd() + "…" : text);

  function draw() {
    // A node shows when a shown link reaches it (the centre always does).
    const shownEdges = edges.filter((e) => !hidden.has(e.predicate));
    const shown = new Set([centre]);
    for (const e of shownEdges) {
      shown.add(e.source);
      shown.add(e.target);
    }
    const visible = [...nodes.values()].filter((n) => shown.has(n.iri));
    const xs = visible.map((n) => n.x);
    const ys = visible.map((n) => n.y);
    const left = Math.min(0, ...xs.map((x) => x - 180));
    const top = Math.min(0, ...ys.map((y) => y - 30));
    const right = Math.max(width, ...xs.map((x) => x + 180));
    const bottom = Math.max(height, ...ys.map((y) => y + 40));
    const middle = nodes.get(centre).x;
    svg.setAttribute("viewBox", `${left} ${top} ${right - left} ${bottom - top}`);
    svg.replaceChildren();
    const links = element("g", { class: "links" }, svg);
    for (const e of shownEdges) {
      const a = nodes.get(e.source);
      const b = nodes.get(e.target);
      const line = element("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: relations.get(e.predicate).colour }, links);
      Object.assign(line.dataset, { source: e.source, target: e.target, predicate: e.predicate, label: e.label });
      element("title", {}, line).textContent = e.label;
    }
    const group = element("g", { class: "nodes" }, svg);
    for (const node of visible) {
      const isCentre = node.iri === centre;
      const g = element("g", { class: isCentre ? "node centre" : "node", transform: `translate(${node.x} ${node.y})` }, group);
      Object.assign(g.dataset, { iri: node.iri, label: node.label, type: node.type });
      const a = element("a", { href: node.href }, g);
      element("circle", { r: isCentre ? 11 : 7 }, a);
      const side = isCentre ? 0 : node.x < middle - 1 ? -1 : node.x > middle + 1 ? 1 : 0;
      const text = element("text", {
        x: side * 11,
        y: side ? 4 : isCentre ? 28 : 22,
        "text-anchor": side < 0 ? "end" : side > 0 ? "start" : "middle",
      }, a);
      text.textContent = short(node.label);
      element("title", {}, a).textContent = `${node.label} (${node.type})`;
      if (!node.expanded) {
        const button = element("g", {
          class: "expand",
          role: "button",
          tabindex: "0",
          "aria-label": `Show what ${node.label} links to`,
          transform: `translate(${side > 0 ? -10 : 10} -10)`,
        }, g);
        element("circle", { r: 6 }, button);
        element("text", { y: 4, "text-anchor": "middle" }, button).textContent = "+";
        const go = (event) => {
          event.preventDefault();
          expand(node, button);
        };
        button.addEventListener("click", go);
        button.addEventListener("keydown", (event) => {
          if (event.key === "Enter" || event.key === " ") go(event);
        });
      }
    }
  }

  drawKey();
  draw();
  caption.textContent += " + shows what an entity links to; the boxes below filter the relations.";
}

document.querySelectorAll("input[data-suggest]").forEach(suggest);
document.querySelectorAll("textarea#query").forEach(editor);
document.querySelectorAll("figure.graph[data-centre]").forEach(picture);
