// The live editor: handles and charts drawn in the browser, redrawn on every animation frame while a hand
// drags, keyboard or touch alike. It talks to Python once per move, when the move ends (setStateValue).
// Python passes everything it shows (translated text, colours, sizes, values) in `data`; user text is only
// ever set with textContent. The math is in livemath.js (tested against softmax_core).
import { argmax, bce, effectiveChoices, entropy, entropyBits, sigmoid, softmax } from "./livemath.js";

const SVG = "http://www.w3.org/2000/svg";
const KEY_PAUSE_MS = 300; // a key move ends this long after the last key
const views = new WeakMap(); // parentElement -> view: Streamlit calls the default export again on each rerun
let serial = 0; // unique ids for SVG patterns, since the component is not in a shadow root

function el(tag, cls, parent) {
  const node = tag === "svg" || SVG_TAGS.has(tag) ? document.createElementNS(SVG, tag) : document.createElement(tag);
  if (cls) node.setAttribute("class", cls);
  if (parent) parent.appendChild(node);
  return node;
}
const SVG_TAGS = new Set(["rect", "line", "text", "g", "path", "pattern", "defs", "polyline", "circle"]);

function attrs(node, values) {
  for (const [k, v] of Object.entries(values)) node.setAttribute(k, v);
  return node;
}

/** Fill a catalogue template: each {name} becomes a text node, so no value is ever parsed as HTML. */
function fill(node, template, values) {
  node.replaceChildren();
  for (const [i, part] of String(template).split(/\{(\w+)\}/).entries()) {
    if (i % 2 === 0) node.append(part);
    else if (part in values) {
      const v = el("b", "ssl-v", node);
      v.textContent = String(values[part]);
    } else node.append(`{${part}}`);
  }
  return node;
}

/** Shrink an SVG text's font until it fits ``width`` px: a long title on a phone must not be clipped. */
function fitText(node, width, size) {
  node.style.fontSize = `${size}px`; // a style, not an attribute: the stylesheet's font-size would win over that
  const len = node.getComputedTextLength ? node.getComputedTextLength() : 0;
  if (len > width && len > 0) node.style.fontSize = `${((size * width) / len).toFixed(1)}px`;
}

const fmt = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : x > 0 ? "∞" : "−∞");
const fmtG = (x, digits) => (Number.isFinite(x) ? String(Number(x.toPrecision(digits))) : x > 0 ? "∞" : "−∞");
const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));

/** Round tick values inside [lo, hi]: steps of 1, 2 or 5 times a power of ten, four to six of them. */
function niceTicks(lo, hi) {
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => (hi - lo) / s <= 5.5);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Math.abs(v) < 1e-12 ? 0 : Number(v.toPrecision(6)));
  return out;
}

// ---- one handle: a horizontal track with a thumb; role=slider with its aria-* contract ------------------------
class Handle {
  constructor(parent, { label, lo, hi, toPos, fromPos, snap, keyStep, format, onMove, onEnd, name }) {
    Object.assign(this, { lo, hi, toPos, fromPos, snap, keyStep, format, onMove, onEnd });
    this.row = el("div", "ssl-row", parent);
    this.name = el("span", "ssl-name", this.row);
    this.name.textContent = label;
    this.track = el("div", "ssl-track", this.row);
    this.fill = el("div", "ssl-fill", this.track);
    this.thumb = attrs(el("div", "ssl-thumb", this.track), {
      role: "slider", tabindex: "0", "aria-label": name ?? label, "aria-valuemin": String(lo),
      "aria-valuemax": String(hi), "aria-orientation": "horizontal"});
    this.readout = el("span", "ssl-value", this.row);
    this.track.addEventListener("pointerdown", (e) => this.down(e));
    this.track.addEventListener("pointermove", (e) => this.move(e));
    this.track.addEventListener("pointerup", (e) => this.up(e));
    this.track.addEventListener("pointercancel", (e) => this.up(e));
    this.thumb.addEventListener("keydown", (e) => this.key(e));
    this.dragging = false;
  }

  setLabel(label, name) {
    if (this.name.textContent !== label) this.name.textContent = label;
    this.thumb.setAttribute("aria-label", name ?? label);
  }

  valueAt(clientX) {
    const box = this.track.getBoundingClientRect();
    return this.snap(this.fromPos(clamp((clientX - box.left) / Math.max(box.width, 1), 0, 1)));
  }

  down(e) {
    if (e.button !== 0) return;
    this.dragging = true;
    this.track.setPointerCapture(e.pointerId);
    this.thumb.focus({ preventScroll: true });
    e.preventDefault();
    this.moveTo(this.valueAt(e.clientX));
  }

  move(e) {
    if (this.dragging) this.moveTo(this.valueAt(e.clientX));
  }

  /** The handle's value changes now; the thumb and aria-valuenow follow on the next frame (show). */
  moveTo(value) {
    this.value = value;
    this.onMove(value);
  }

  up(e) {
    if (!this.dragging) return;
    this.dragging = false;
    if (this.track.hasPointerCapture(e.pointerId)) this.track.releasePointerCapture(e.pointerId);
    this.onEnd();
  }

  key(e) {
    // From the value, not from aria-valuenow: keys can come faster than the frames that redraw the thumb.
    const next = this.keyStep(this.value, e.key);
    if (next === null) return;
    e.preventDefault();
    this.moveTo(clamp(next, this.lo, this.hi));
    clearTimeout(this.keyTimer);
    this.keyTimer = setTimeout(() => this.onEnd(), KEY_PAUSE_MS);
  }

  show(value) {
    this.value = value;
    const pos = clamp(this.toPos(value), 0, 1);
    this.thumb.style.left = `${100 * pos}%`;
    this.fill.style.width = `${100 * pos}%`;
    this.thumb.setAttribute("aria-valuenow", String(value)); // full precision: the tests read it back
    const text = this.format(value);
    this.thumb.setAttribute("aria-valuetext", text);
    this.readout.textContent = text;
  }
}

function linearKeys(step, lo, hi, snap) {
  return (v, key) => {
    const big = 10 * step;
    const next = { ArrowRight: v + step, ArrowUp: v + step, ArrowLeft: v - step, ArrowDown: v - step,
                   PageUp: v + big, PageDown: v - big, Home: lo, End: hi }[key];
    return next === undefined ? null : snap(next);
  };
}

/** Keys walk a list of round values (the temperature grid); Page keys jump five of them. */
function gridKeys(grid) {
  return (v, key) => {
    const above = grid.findIndex((g) => g > v * (1 + 1e-9));
    const below = grid.findLastIndex((g) => g < v * (1 - 1e-9));
    const at = (i) => grid[clamp(i, 0, grid.length - 1)];
    switch (key) {
      case "ArrowRight": case "ArrowUp": return above < 0 ? grid.at(-1) : at(above);
      case "ArrowLeft": case "ArrowDown": return below < 0 ? grid[0] : at(below);
      case "PageUp": return above < 0 ? grid.at(-1) : at(above + 4);
      case "PageDown": return below < 0 ? grid[0] : at(below - 4);
      case "Home": return grid[0];
      case "End": return grid.at(-1);
      default: return null;
    }
  };
}

/** An SVG path along y from x0 to x1, open over each [from, to] gap (left to right); "" when nothing is left. */
function brokenLine(x0, x1, y, gaps) {
  let d = "";
  let x = x0;
  for (const [from, to] of [...gaps, [x1, x1]]) {
    if (from > x) d += `M${x.toFixed(1)},${y.toFixed(1)}H${Math.min(from, x1).toFixed(1)}`;
    x = Math.max(x, to);
  }
  return d;
}

// ---- a bar chart in SVG, built once per class count and updated in place on every frame ------------------------
class Bars {
  constructor(parent, testid, view) {
    this.view = view;
    this.fig = attrs(el("figure", "ssl-chart", parent), { "data-testid": testid });
    this.svg = attrs(el("svg", "ssl-svg", this.fig), { role: "img" });
    this.n = -1;
  }

  build(labels, { ghost = false } = {}) {
    const svg = this.svg;
    svg.replaceChildren();
    const id = `ssl-hatch-${++serial}`;
    this.hatchId = id;
    const defs = el("defs", null, svg);
    const pat = attrs(el("pattern", null, defs), { id, patternUnits: "userSpaceOnUse", width: "8", height: "8",
                                                    patternTransform: "rotate(45)" });
    attrs(el("rect", null, pat), { width: "8", height: "8", fill: this.view.colours.highlight });
    attrs(el("line", "ssl-hatch", pat), { x1: "0", y1: "0", x2: "0", y2: "8" });
    this.title = el("text", "ssl-title", svg);
    this.grid = el("g", "ssl-grid", svg);
    this.zero = el("line", "ssl-zero", svg);
    this.ghosts = ghost ? labels.map(() => el("rect", "ssl-ghost", svg)) : [];
    this.bars = labels.map(() => el("rect", "ssl-bar", svg));
    this.values = labels.map(() => el("text", "ssl-bar-text", svg));
    this.names = labels.map(() => el("text", "ssl-tick", svg));
    this.ref = el("path", "ssl-ref", svg);
    this.legend = el("g", "ssl-legend", svg);
    this.n = labels.length;
    this.labelText = null;
  }

  /** Draw `values` on a fixed y range [lo, hi]; `ref` is a horizontal reference line (1/K), `ghost` bars beside. */
  draw({ values, labels, lo, hi, digits, title, ref, legend, ghost, hideGhost = false, width, height }) {
    if (this.n !== values.length || (ghost && this.ghosts.length !== values.length) || (!ghost && this.ghosts.length))
      this.build(labels, { ghost: !!ghost });
    const s = this.view.sizes;
    const font = s.font_size;
    const top = s.title_size + 2.2 * font;
    const left = 3.2 * font;
    const bottom = 1.9 * font;
    const w = Math.max(width, 160);
    const h = height;
    attrs(this.svg, { width: String(w), height: String(h), viewBox: `0 0 ${w} ${h}` });
    const plotW = w - left - 8;
    const plotH = h - top - bottom;
    const y = (v) => top + plotH * (1 - (clamp(v, lo, hi) - lo) / (hi - lo));
    const slot = plotW / values.length;
    const barW = slot * (ghost ? 0.42 : 0.7);
    this.title.textContent = title;
    attrs(this.title, { x: String(left), y: String(s.title_size) });
    fitText(this.title, w - left - 4, s.title_size);
    // y grid: five ticks over the fixed range
    if (this.gridKey !== `${w}:${h}:${lo}:${hi}`) {
      this.gridKey = `${w}:${h}:${lo}:${hi}`;
      this.grid.replaceChildren();
      for (const v2 of niceTicks(lo, hi)) {
        attrs(el("line", null, this.grid), { x1: String(left), x2: String(w - 8), y1: String(y(v2)), y2: String(y(v2)) });
        const tick = attrs(el("text", "ssl-ytick", this.grid), { x: String(left - 6), y: String(y(v2) + font * 0.35) });
        tick.textContent = fmtG(v2, 3);
      }
    }
    attrs(this.zero, { x1: String(left), x2: String(w - 8), y1: String(y(Math.max(lo, 0))), y2: String(y(Math.max(lo, 0))) });
    const win = values.reduce((best, v) => Math.max(best, v), -Infinity);
    const textSize = Math.min(s.bar_text_size, (slot * 0.92) / (0.62 * (digits + 2)));
    const tickSize = Math.min(font, slot / 1.2);
    const maxChars = Math.max(1, Math.floor(slot / (0.62 * tickSize)));
    const yRef = ref === undefined ? null : y(ref);
    const gaps = [];
    values.forEach((v, i) => {
      const x0 = left + slot * i + (slot - (ghost ? 2 * barW + 3 : barW)) / 2;
      const xb = ghost ? x0 + barW + 3 : x0;
      const base = y(Math.max(lo, 0));
      const yv = y(v);
      const isWin = v === win;
      attrs(this.bars[i], { x: String(xb), width: String(barW), y: String(Math.min(base, yv)),
                            height: String(Math.max(Math.abs(base - yv), 0.5)),
                            fill: isWin ? `url(#${this.hatchId})` : this.view.colours.bar });
      if (ghost) {
        const g = y(ghost[i]);
        attrs(this.ghosts[i], { x: String(x0), width: String(barW), y: String(Math.min(base, g)),
                                height: String(Math.max(Math.abs(base - g), 0.5)),
                                visibility: hideGhost ? "hidden" : "visible" });
      }
      const label = this.values[i];
      label.textContent = fmt(v, digits);
      const baseline = v >= 0 ? yv - 5 : yv + textSize + 2;
      attrs(label, { x: String(xb + barW / 2), y: String(baseline), "font-size": textSize.toFixed(1) });
      // A value the reference line would run through (B's 0.2312 just under 1/3): the line breaks around it.
      if (yRef !== null && Math.abs(yRef - (baseline - 0.35 * textSize)) < textSize) {
        const box = label.getBBox();
        if (yRef > box.y - 2 && yRef < box.y + box.height + 2) gaps.push([box.x - 4, box.x + box.width + 4]);
      }
      const name = this.names[i];
      const full = String(labels[i]);
      const shown = full.length > maxChars ? `${full.slice(0, Math.max(1, maxChars - 1))}…` : full;
      if (name.textContent !== shown) name.textContent = shown;
      attrs(name, { x: String(left + slot * (i + 0.5)), y: String(h - bottom + 1.2 * font),
                    "font-size": tickSize.toFixed(1) });
    });
    const refPath = yRef === null ? "" : brokenLine(left, w - 8, yRef, gaps);
    attrs(this.ref, { d: refPath, visibility: refPath ? "visible" : "hidden" });
    this.drawLegend(legend || [], w, s.title_size + 0.9 * font);
  }

  drawLegend(items, w, yPos) {
    const key = JSON.stringify(items) + w;
    if (this.legendKey === key) return;
    this.legendKey = key;
    this.legend.replaceChildren();
    let x = w - 8;
    for (const item of [...items].reverse()) {
      const text = attrs(el("text", "ssl-legend-text", this.legend), { y: String(yPos), "text-anchor": "end" });
      text.textContent = item.text;
      attrs(text, { x: String(x) });
      const tw = text.getComputedTextLength ? text.getComputedTextLength() : item.text.length * 8;
      x -= tw + 6;
      const mark = el(item.kind === "line" ? "line" : "rect", `ssl-legend-${item.kind}`, this.legend);
      if (item.kind === "line") attrs(mark, { x1: String(x - 22), x2: String(x), y1: String(yPos - 5), y2: String(yPos - 5) });
      else attrs(mark, { x: String(x - 14), y: String(yPos - 12), width: "14", height: "12" });
      x -= 36;
    }
  }

  publish(values) {
    this.fig.setAttribute("data-values", JSON.stringify(values)); // the drawn numbers at full precision
  }
}

// ---- the views ----------------------------------------------------------------------------------------------------
class View {
  constructor(root, setStateValue) {
    this.root = root;
    this.setStateValue = setStateValue;
    this.frame = 0;
    this.lastIncoming = null;
    this.width = 0;
    this.resize = new ResizeObserver(() => {
      const w = root.clientWidth;
      if (w !== this.width) {
        this.width = w;
        this.request();
      }
    });
    this.resize.observe(root);
  }

  request() {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
  }

  /** Data from a rerun. A value Python did not change (a stale rerun racing a drag) never moves the handles. */
  update(data) {
    this.data = data;
    this.colours = data.colours;
    this.sizes = data.sizes;
    this.text = data.text;
    this.root.classList.toggle("ssl-projector", !!data.projector);
    const css = { "--ssl-font": `${data.sizes.font_size}px`, "--ssl-title": `${data.sizes.title_size}px`,
                  "--ssl-line": `${data.sizes.line_width}px`, "--ssl-bar": data.colours.bar,
                  "--ssl-highlight": data.colours.highlight, "--ssl-muted": data.colours.muted,
                  "--ssl-reference": data.colours.reference };
    for (const [name, value] of Object.entries(css)) this.root.style.setProperty(name, value);
    const incoming = JSON.stringify(data.value);
    if (incoming !== this.lastIncoming && !this.dragging()) this.value = structuredClone(data.value);
    this.lastIncoming = incoming;
    this.configure();
    this.request();
  }

  send() {
    this.setStateValue("value", this.value);
  }

  dragging() {
    return (this.handles || []).some((h) => h.dragging);
  }

  // Handles and charts are rebuilt only when what they are built from changes; a new value only redraws them.
  rebuild(inputs, kind) {
    const key = JSON.stringify(inputs);
    if (this.built === key) return false;
    this.built = key;
    this.root.replaceChildren();
    this.root.classList.add(kind);
    return true;
  }

  destroy() {
    this.resize.disconnect();
    cancelAnimationFrame(this.frame);
  }
}

class LogitsView extends View {
  configure() {
    const d = this.data;
    if (!this.rebuild([d.labels, d.lo, d.hi, d.text], "ssl-logits")) return;
    this.left = el("div", "ssl-handles", this.root);
    const heading = el("div", "ssl-heading", this.left);
    heading.textContent = d.text.heading;
    this.handles = d.labels.map((label, i) => new Handle(this.left, {
      label, name: label, lo: d.lo, hi: d.hi, toPos: (v) => (v - d.lo) / (d.hi - d.lo),
      fromPos: (p) => d.lo + p * (d.hi - d.lo), snap: (v) => clamp(Math.round(v / d.fine) * d.fine, d.lo, d.hi),
      keyStep: linearKeys(d.step, d.lo, d.hi, (v) => clamp(Math.round(v / d.fine) * d.fine, d.lo, d.hi)),
      format: (v) => fmt(v, 2),
      onMove: (v) => { this.value[i] = v; this.request(); }, onEnd: () => this.send() }));
    this.right = el("div", "ssl-charts", this.root);
    this.probs = new Bars(this.right, "live-probs", this);
    this.logits = new Bars(this.right, "live-logits", this);
    this.readout = el("p", "ssl-readout", this.root);
  }

  draw() {
    const d = this.data;
    const z = this.value;
    const k = z.length;
    const probs = softmax(z);
    // Handles beside the charts when there is room; the two charts side by side only when their bars stay wide.
    const wide = this.width >= 700;
    const chartsWide = wide ? this.width * 0.68 - 20 : this.width;
    const side = !d.projector && chartsWide / 2 / k >= 42;
    this.root.classList.toggle("ssl-wide", wide);
    this.right.classList.toggle("ssl-side", side);
    const cw = side ? chartsWide / 2 - 10 : chartsWide - 4;
    const height = Math.round(this.sizes.height * (side ? 0.9 : 0.68));
    z.forEach((v, i) => this.handles[i].show(v));
    const u = 1 / k;
    this.probs.draw({ values: probs, labels: d.labels, lo: 0, hi: 1.15, digits: 4, title: d.text.prob_title, ref: u,
                      legend: [{ kind: "line", text: d.text.uniform.replace("{u}", fmtG(u, 3)) }],
                      width: cw, height });
    this.probs.publish(probs);
    this.logits.draw({ values: z, labels: d.labels, lo: d.lo, hi: d.hi, digits: 2, title: d.text.logit_title,
                       width: cw, height });
    const order = probs.map((p, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
    const [first, second] = order;
    const gap = z[first] - z[second];
    fill(this.readout, d.text.readout, { winner: d.labels[first], p: fmt(probs[first], 4), first: d.labels[first],
                                         second: d.labels[second], gap: fmtG(gap, 4), ratio: fmtG(Math.exp(gap), 4) });
  }
}

class TemperatureView extends View {
  configure() {
    const d = this.data;
    if (!this.rebuild([d.labels, d.logits, d.text, d.bars, d.projector], "ssl-temperature")) return;
    this.cells = null;
    const lo = Math.log(d.lo);
    const span = Math.log(d.hi) - lo;
    const toPos = (v) => (Math.log(v) - lo) / span;
    const top = el("div", "ssl-handles", this.root);
    const handle = new Handle(top, {
      label: d.text.handle_label, name: d.text.handle_name, lo: d.lo, hi: d.hi, toPos,
      fromPos: (p) => Math.exp(lo + p * span),
      snap: (v) => clamp(Number(v.toPrecision(v < 1 ? 2 : 3)), d.lo, d.hi), keyStep: gridKeys(d.grid),
      format: (v) => `T = ${fmtG(v, 3)}`,
      onMove: (v) => { this.value = v; this.request(); }, onEnd: () => this.send() });
    const ticks = el("div", "ssl-ticks", handle.track);
    for (const g of d.ticks) {
      const tick = el("span", "ssl-tickmark", ticks);
      tick.style.left = `${100 * toPos(g)}%`;
      tick.textContent = fmtG(g, 3);
    }
    this.handles = [handle];
    if (!d.bars) return;
    this.body = el("div", "ssl-body", this.root);
    this.probs = new Bars(this.body, "live-probs", this);
    this.readout = el("div", "ssl-readouts", this.body);
    this.ghost = softmax(d.logits);
  }

  draw() {
    const d = this.data;
    const T = this.value;
    this.handles[0].show(T);
    if (!d.bars) return;
    const probs = softmax(d.logits, T);
    const k = probs.length;
    const wide = this.width >= 700;
    this.root.classList.toggle("ssl-wide", wide);
    const cw = wide ? this.width * 0.66 : this.width - 4;
    const tT = fmtG(T, 3);
    // At T = 1 the ghosts would only repeat the bars: hidden, keeping their room so that nothing jumps mid-drag.
    const atOne = T === 1;
    this.probs.draw({ values: probs, labels: d.labels, lo: 0, hi: 1.15, digits: 3, ghost: this.ghost,
                      hideGhost: atOne, title: d.text.bars_title.replace("{T}", tT), ref: 1 / k,
                      legend: [{ kind: "bar", text: d.text.now_name.replace("{T}", tT) },
                               ...(atOne ? [] : [{ kind: "ghost", text: d.text.ghost_name }])],
                      width: cw, height: Math.round(this.sizes.height * 0.8) });
    this.probs.publish(probs);
    const top = argmax(probs);
    const H = entropy(probs);
    const logK = Math.log(k);
    const rows = [
      [d.text.top_prob, fmt(probs[top], 4), atOne ? d.labels[top] : d.text.top_prob_note.replace("{delta}", `${probs[top] - this.ghost[top] >= 0 ? "+" : "−"}${fmt(Math.abs(probs[top] - this.ghost[top]), 4)}`).replace("{winner}", d.labels[top])],
      [d.text.entropy, `${fmt(H, 4)} ${d.text.nats}`, `${fmt(entropyBits(probs), 4)} ${d.text.bits} · ${d.text.share.replace("{share}", `${Math.round(100 * H / logK)}%`)}`],
      [d.text.effective, fmtG(effectiveChoices(probs), 3), d.text.effective_note.replace("{k}", String(k))],
    ];
    if (!this.cells) {
      this.cells = rows.map(() => {
        const box = el("div", "ssl-metric", this.readout);
        return [el("div", "ssl-metric-label", box), el("div", "ssl-metric-value", box), el("div", "ssl-metric-note", box)];
      });
    }
    rows.forEach((row, i) => row.forEach((text, j) => { if (this.cells[i][j].textContent !== text) this.cells[i][j].textContent = text; }));
  }
}

/** Does the segment from p to q cross the box {l, t, r, b}? (Liang–Barsky: clip the segment to the box.) */
function segmentHits([x1, y1], [x2, y2], box) {
  let t0 = 0, t1 = 1;
  const dx = x2 - x1, dy = y2 - y1;
  for (const [p, q] of [[-dx, x1 - box.l], [dx, box.r - x1], [-dy, y1 - box.t], [dy, box.b - y1]]) {
    if (p === 0) {
      if (q < 0) return false;
    } else if (p < 0) t0 = Math.max(t0, q / p);
    else t1 = Math.min(t1, q / p);
    if (t0 > t1) return false;
  }
  return true;
}

/** The drawn segments filed by the columns (``cell`` px wide) that their x-range spans: a box is tested only
 * against the segments of its own columns. */
function segmentColumns(lines, cell) {
  const cols = new Map();
  for (const pts of lines)
    for (let i = 1; i < pts.length; i++) {
      const seg = { p: pts[i - 1], q: pts[i], seen: -1 };
      const last = Math.floor(Math.max(seg.p[0], seg.q[0]) / cell);
      for (let c = Math.floor(Math.min(seg.p[0], seg.q[0]) / cell); c <= last; c++) {
        if (!cols.has(c)) cols.set(c, []);
        cols.get(c).push(seg);
      }
    }
  return cols;
}

/** How many drawn segments, legend boxes and the point itself a label box touches (counted up to ``limit``). */
function clashes(box, { x, y, radius, boxes, pad }, cols, cell, stamp, limit) {
  const wide = { l: box.l - pad, t: box.t - pad, r: box.r + pad, b: box.b + pad };
  let n = Math.hypot(clamp(x, box.l, box.r) - x, clamp(y, box.t, box.b) - y) < radius + 2 ? 1 : 0;
  for (const b of boxes) if (b.l < wide.r && b.r > wide.l && b.t < wide.b && b.b > wide.t) n++;
  for (let c = Math.floor(wide.l / cell); c <= Math.floor(wide.r / cell) && n < limit; c++)
    for (const seg of cols.get(c) || []) {
      if (seg.seen === stamp) continue; // a segment spanning several columns counts once
      seg.seen = stamp;
      if (segmentHits(seg.p, seg.q, wide) && ++n >= limit) break;
    }
  return n;
}

/**
 * Where a point's value label goes (its box: left, top, right, bottom): of the places on a fine grid around the
 * point that lie inside ``area``, the nearest that no drawn line, legend box or the point itself touches. Nearer
 * wins; at about the same distance above beats below, and the ``away`` side (+1 right, −1 left: away from the
 * nearer edge) beats straight above, which beats the other side. The grid holds the places that just clear the
 * point on either side, so an open corner next to it is found exactly. If every place is touched (never seen in
 * these charts), the least touched one of the first 2000 tried.
 */
function pointLabel(size, where) {
  const { x, y, radius, away, area } = where;
  const c = radius + 4; // how far a label keeps from the point's centre
  const nx = Math.max(1, Math.round((2 * c + size.w) / (size.w / 6)));
  const ny = Math.max(1, Math.round((2 * c + size.h) / (size.h / 3)));
  const sx = (2 * c + size.w) / nx, sy = (2 * c + size.h) / ny; // l = x + c and l = x − c − w are both on it
  // Places filed by score in bands of half a label's height: only the bands reached are sorted and tested.
  const band = size.h / 2;
  const bands = [];
  for (let i = -Math.ceil((3 * size.w) / sx); i <= Math.ceil((3 * size.w) / sx); i++) {
    const l = x + c + i * sx;
    if (l < area.l - 0.5 || l + size.w > area.r + 0.5) continue;
    for (let j = Math.floor((area.t - y - c) / sy); y + c + j * sy + size.h <= area.b + 0.5; j++) {
      const t = y + c + j * sy;
      if (t < area.t - 0.5) continue;
      const gap = Math.hypot(Math.max(l - x, 0, x - l - size.w), Math.max(t - y, 0, y - t - size.h));
      if (gap < c - 0.5) continue;
      const below = t + size.h / 2 > y ? 0.3 : 0;
      const toward = 0.1 * clamp(((x - l - size.w / 2) * away) / (size.w / 2) + 1, 0, 2); // 0 away, 0.2 toward
      const score = gap + (below + toward) * size.h;
      (bands[Math.floor(score / band)] ??= []).push({ l, t, score });
    }
  }
  const cell = Math.max(8, size.h);
  const cols = segmentColumns(where.lines, cell);
  let best = null, stamp = 0;
  for (const places of bands) {
    if (!places) continue;
    places.sort((a, b) => a.score - b.score);
    for (const { l, t } of places) {
      const box = { l, t, r: l + size.w, b: t + size.h };
      const n = clashes(box, where, cols, cell, stamp++, best ? best.n : Infinity);
      if (n === 0) return box;
      if (!best || n < best.n) best = { n, box };
      if (stamp > 2000) return best.box; // a frame's budget: the least touched so far
    }
  }
  if (best) return best.box;
  const l = clamp(away > 0 ? x + c : x - c - size.w, area.l, area.r - size.w);
  return { l, t: y - c - size.h, r: l + size.w, b: y - c }; // no room at all: above the point
}

class CurveView extends View {
  configure() {
    const d = this.data;
    if (!this.rebuild([d.curves, d.text, d.lo, d.hi], "ssl-curve")) return;
    const top = el("div", "ssl-handles", this.root);
    const snap = (v) => clamp(Math.round(v / d.fine) * d.fine, d.lo, d.hi);
    this.handles = [new Handle(top, {
      label: d.text.handle_label, name: d.text.handle_name, lo: d.lo, hi: d.hi,
      toPos: (v) => (v - d.lo) / (d.hi - d.lo), fromPos: (p) => d.lo + p * (d.hi - d.lo), snap,
      keyStep: linearKeys(d.step, d.lo, d.hi, snap), format: (v) => `${d.text.symbol} = ${fmt(v, 2)}`,
      onMove: (v) => { this.value = v; this.request(); }, onEnd: () => this.send() })];
    this.fig = attrs(el("figure", "ssl-chart", this.root), { "data-testid": "live-curve" });
    this.svg = attrs(el("svg", "ssl-svg", this.fig), { role: "img" });
    this.readout = el("p", "ssl-readout", this.root);
  }

  static f(curve, x) {
    return curve.fn === "sigmoid" ? sigmoid(x) : bce(x, curve.target);
  }

  draw() {
    const d = this.data;
    const x = this.value;
    this.handles[0].show(x);
    const s = this.sizes;
    const w = Math.max(this.width - 4, 200);
    const h = Math.round(s.height * 0.8);
    const font = s.font_size;
    const left = 3.2 * font, top = s.title_size + font, bottom = 2.4 * font, right = 12;
    const X = (v) => left + ((v - d.lo) / (d.hi - d.lo)) * (w - left - right);
    const Y = (v) => top + (1 - (clamp(v, d.ylo, d.yhi) - d.ylo) / (d.yhi - d.ylo)) * (h - top - bottom);
    const svg = this.svg;
    svg.replaceChildren(); // a few dozen nodes: rebuilt each frame
    attrs(svg, { width: String(w), height: String(h), viewBox: `0 0 ${w} ${h}` });
    const title = attrs(el("text", "ssl-title", svg), { x: String(left), y: String(s.title_size) });
    title.textContent = d.text.title;
    fitText(title, w - left - 4, s.title_size);
    const grid = el("g", "ssl-grid", svg);
    for (const v of d.yticks) {
      attrs(el("line", null, grid), { x1: String(left), x2: String(w - right), y1: String(Y(v)), y2: String(Y(v)) });
      attrs(el("text", "ssl-ytick", grid), { x: String(left - 6), y: String(Y(v) + font * 0.35) }).textContent = fmtG(v, 3);
    }
    for (const v of d.xticks) {
      attrs(el("text", "ssl-tick", svg), { x: String(X(v)), y: String(h - bottom + 1.2 * font) }).textContent = fmtG(v, 3);
    }
    attrs(el("text", "ssl-axis", svg), { x: String((left + w - right) / 2), y: String(h - 0.3 * font) }).textContent = d.text.x_title;
    // The curves (the first one carries the point), then a legend naming them when there are several. What is
    // drawn is kept, in pixels, for placing the value label clear of it.
    const lines = [];
    const boxes = [];
    d.curves.forEach((curve, c) => {
      const pts = [];
      for (let i = 0; i <= 200; i++) {
        const xv = d.lo + ((d.hi - d.lo) * i) / 200;
        const yv = CurveView.f(curve, xv);
        if (Number.isFinite(yv)) pts.push([X(xv), Y(yv)]);
      }
      lines.push(pts);
      attrs(el("polyline", c === 0 ? "ssl-curve-line" : "ssl-curve-other", svg),
            { points: pts.map(([u, v]) => `${u.toFixed(1)},${v.toFixed(1)}`).join(" ") });
      if (curve.name && d.curves.length > 1) {
        const yl = top + font * (0.2 + 1.3 * c);
        attrs(el("line", c === 0 ? "ssl-curve-line" : "ssl-curve-other", svg),
              { x1: String(w - right - 26), x2: String(w - right), y1: String(yl - 5), y2: String(yl - 5) });
        const name = attrs(el("text", "ssl-legend-text", svg), { x: String(w - right - 32), y: String(yl),
                                                                  "text-anchor": "end" });
        name.textContent = curve.name;
        const b = name.getBBox();
        boxes.push({ l: b.x, t: Math.min(b.y, yl - 6), r: w - right, b: b.y + b.height });
      }
    });
    const y = CurveView.f(d.curves[0], x);
    const yShown = Number.isFinite(y) ? y : d.yhi;
    const px = X(x), py = Y(yShown), radius = s.marker_size / 2 + 2;
    attrs(el("line", "ssl-drop", svg), { x1: String(px), x2: String(px), y1: String(Y(d.ylo)), y2: String(py) });
    lines.push([[px, Y(d.ylo)], [px, py]]);
    attrs(el("circle", "ssl-marker", svg), { cx: String(px), cy: String(py), r: String(radius) });
    // The value beside the point, where no line of the chart runs through it (see pointLabel).
    const label = el("text", "ssl-bar-text ssl-point-text", svg);
    label.textContent = `${d.text.y_symbol} = ${fmt(y, 4)}`;
    label.style.textAnchor = "start"; // a style: the class's text-anchor would win over an attribute
    const glyphs = label.getBBox(); // at x = y = 0: the box's offset from the baseline's start, and its size
    const spot = pointLabel({ w: glyphs.width, h: glyphs.height }, {
      x: px, y: py, radius, away: x > (d.lo + d.hi) / 2 ? -1 : 1, lines, boxes, pad: s.line_width / 2 + 2,
      area: { l: left, t: top - 0.5 * font, r: w - right, b: h - bottom } });
    attrs(label, { x: (spot.l - glyphs.x).toFixed(1), y: (spot.t - glyphs.y).toFixed(1) });
    // A label the lines pushed away from its point (a phone's steep curves) is tied to it by a thin leader,
    // unless that would cross the legend.
    const nx = clamp(px, spot.l, spot.r) - px, ny = clamp(py, spot.t, spot.b) - py, gap = Math.hypot(nx, ny);
    if (gap > radius + 1.5 * glyphs.height) {
      const at = (r) => [px + (nx * r) / gap, py + (ny * r) / gap];
      const [from, to] = [at(radius + 2), at(gap - 3)];
      if (!boxes.some((b) => segmentHits(from, to, b)))
        attrs(el("line", "ssl-leader", svg), { x1: String(from[0]), y1: String(from[1]), x2: String(to[0]),
                                               y2: String(to[1]) });
    }
    this.fig.setAttribute("data-values", JSON.stringify([x, Number.isFinite(y) ? y : String(y)]));
    fill(this.readout, d.text.readout, { x: fmt(x, 2), y: fmt(y, 4) });
  }
}

const KINDS = { logits: LogitsView, temperature: TemperatureView, curve: CurveView };

export default function live({ data: sent, parentElement, setStateValue }) {
  const data = sent[0]; // Python sends [data] (ui/live/__init__.py says why)
  const root = parentElement.querySelector(".ssl-root");
  if (!root) return undefined;
  let view = views.get(parentElement);
  if (!view || view.kind !== data.kind) {
    view?.destroy();
    view = new KINDS[data.kind](root, setStateValue);
    view.kind = data.kind;
    views.set(parentElement, view);
  }
  view.setStateValue = setStateValue;
  view.update(data);
  // Streamlit keeps only the last cleanup and may also run one of a call it superseded: only a removed root is
  // torn down, never the view a newer call is still using.
  return () => setTimeout(() => {
    if (!root.isConnected && views.get(parentElement) === view) {
      view.destroy();
      views.delete(parentElement);
    }
  }, 0);
}
