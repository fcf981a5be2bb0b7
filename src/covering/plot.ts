/**
 * A self-contained SVG figure of the covering bounds against width (no dependencies, no
 * dates: the same data gives the same bytes).
 */
import type { BoundRow } from "./boundTable.ts";

/** One line of a panel. */
export interface PlotLine {
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly dashed?: boolean;
}

/** One panel: its own y axis, lines and legend; all panels share the x axis label. */
export interface PlotPanel {
  readonly title: string;
  readonly yLabel: string;
  readonly lines: readonly PlotLine[];
  /** Logarithmic y axis (used only when every y is positive). */
  readonly logY?: boolean;
}

/** Figure-wide settings. */
export interface PlotOptions {
  readonly title: string;
  readonly subtitle?: string;
  readonly xLabel: string;
  /** Logarithmic x axis (default: when the x values span a factor of 20 or more). */
  readonly logX?: boolean;
  /** Size of one panel in pixels (default 460 x 360). */
  readonly panelWidth?: number;
  readonly panelHeight?: number;
}

/** Okabe-Ito colours: distinguishable with colour-vision deficiencies and in greyscale print. */
const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];
const FONT = "Helvetica, Arial, sans-serif";
const MARGIN = { left: 78, right: 20, top: 40, bottom: 58 };

/**
 * The panels side by side under a title, as an SVG document. Non-finite points are skipped.
 *
 * @example renderPlot(boundPanels(rows), { title: "Covering numbers of 784-w-w-10 ReLU nets", xLabel: "hidden width w" })
 */
export function renderPlot(panels: readonly PlotPanel[], options: PlotOptions): string {
  const pw = options.panelWidth ?? 460;
  const ph = options.panelHeight ?? 360;
  const head = options.subtitle ? 70 : 50;
  const width = pw * panels.length;
  const height = head + ph;
  const xs = panels.flatMap((p) => p.lines.flatMap((l) => l.points.map((q) => q.x))).filter((x) => Number.isFinite(x) && x > 0);
  const logX = options.logX ?? (xs.length > 0 && Math.max(...xs) / Math.min(...xs) >= 20);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="30" font-size="20" font-weight="bold" text-anchor="middle" fill="#222">${escape(options.title)}</text>`,
  ];
  if (options.subtitle) out.push(`<text x="${width / 2}" y="54" font-size="14" text-anchor="middle" fill="#555">${escape(options.subtitle)}</text>`);
  panels.forEach((p, i) => out.push(...panel(p, { x: i * pw, y: head, w: pw, h: ph }, logX, options.xLabel)));
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/**
 * The standard figure's panels from bound rows: log10 N (classical, Lemma 2, and reduced,
 * Lemma 3) and log10 of the volume fraction (Lemma 4), against the swept width. With
 * `withGain`, a third panel shows log10 of the gain next to log10 |G|, which the first
 * panel cannot resolve when the gain is small relative to N.
 */
export function boundPanels(rows: readonly BoundRow[], withGain = false): PlotPanel[] {
  const series = (q: keyof BoundRow["values"]) => rows.map((r) => ({ x: r.width, y: r.values[q] }));
  const panels: PlotPanel[] = [
    {
      title: "Covering number bounds",
      yLabel: "log10 N(F, ε)",
      logY: true,
      lines: [
        { label: "classical m^S (Lemma 2)", points: series("log10_classical") },
        { label: "reduced by d1!...dL! (Lemma 3)", points: series("log10_reduced"), dashed: true },
      ],
    },
    {
      title: "Effective parameter space",
      yLabel: "log10 vol(Θ₀) / vol(box)",
      lines: [{ label: "1 / (d1!...dL!) (Lemma 4)", points: series("log10_volume") }],
    },
  ];
  if (withGain)
    panels.push({
      title: "Gain of the reduced bound",
      yLabel: "log10 (classical / reduced)",
      logY: true,
      lines: [
        { label: "gain at this ε", points: series("log10_gain") },
        { label: "limit log10 |G| (ε → 0)", points: series("log10_group_order"), dashed: true },
      ],
    });
  return panels;
}

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

function panel(p: PlotPanel, box: Box, logX: boolean, xLabel: string): string[] {
  const finite = (q: { x: number; y: number }) => Number.isFinite(q.x) && Number.isFinite(q.y) && (!logX || q.x > 0);
  const all = p.lines.flatMap((l) => l.points).filter(finite);
  const logY = p.logY === true && all.length > 0 && all.every((q) => q.y > 0);
  const area: Box = { x: box.x + MARGIN.left, y: box.y + MARGIN.top, w: box.w - MARGIN.left - MARGIN.right, h: box.h - MARGIN.top - MARGIN.bottom };
  const out: string[] = [`<text x="${f(area.x + area.w / 2)}" y="${f(box.y + 24)}" font-size="15" font-weight="bold" text-anchor="middle" fill="#222">${escape(p.title)}</text>`];
  if (all.length === 0) return [...out, `<text x="${f(area.x + area.w / 2)}" y="${f(area.y + area.h / 2)}" font-size="13" text-anchor="middle" fill="#777">no finite data</text>`];
  const tx = (v: number) => (logX ? Math.log10(v) : v);
  const ty = (v: number) => (logY ? Math.log10(v) : v);
  const xr = padRange(Math.min(...all.map((q) => tx(q.x))), Math.max(...all.map((q) => tx(q.x))), 0.04);
  const ys = all.map((q) => ty(q.y));
  const yTicks = logY ? decadeTicks(Math.min(...ys), Math.max(...ys)) : niceTicks(Math.min(...ys), Math.max(...ys));
  const yr = { lo: yTicks[0]!, hi: yTicks[yTicks.length - 1]! };
  const sx = (v: number) => area.x + ((tx(v) - xr.lo) / (xr.hi - xr.lo)) * area.w;
  const sy = (v: number) => area.y + area.h - ((ty(v) - yr.lo) / (yr.hi - yr.lo || 1)) * area.h;
  out.push(`<rect x="${f(area.x)}" y="${f(area.y)}" width="${f(area.w)}" height="${f(area.h)}" fill="none" stroke="#444" stroke-width="1"/>`);
  for (const t of yTicks) {
    const y = area.y + area.h - ((t - yr.lo) / (yr.hi - yr.lo || 1)) * area.h;
    out.push(`<line x1="${f(area.x)}" y1="${f(y)}" x2="${f(area.x + area.w)}" y2="${f(y)}" stroke="#e3e3e3" stroke-width="1"/>`);
    out.push(`<line x1="${f(area.x - 5)}" y1="${f(y)}" x2="${f(area.x)}" y2="${f(y)}" stroke="#444"/>`);
    out.push(`<text x="${f(area.x - 8)}" y="${f(y + 4)}" font-size="12" text-anchor="end" fill="#333">${logY ? power(t) : tickLabel(t, yTicks)}</text>`);
  }
  const xTicks = logX ? logTicks(10 ** xr.lo, 10 ** xr.hi) : niceTicks(xr.lo, xr.hi).filter((t) => t >= xr.lo && t <= xr.hi);
  for (const t of xTicks) {
    const x = sx(t);
    out.push(`<line x1="${f(x)}" y1="${f(area.y + area.h)}" x2="${f(x)}" y2="${f(area.y + area.h + 5)}" stroke="#444"/>`);
    const label = logX && t >= 1e5 && Number.isInteger(Math.log10(t)) ? power(Math.log10(t)) : tickLabel(t, xTicks);
    out.push(`<text x="${f(x)}" y="${f(area.y + area.h + 19)}" font-size="12" text-anchor="middle" fill="#333">${label}</text>`);
  }
  out.push(`<text x="${f(area.x + area.w / 2)}" y="${f(box.y + box.h - 14)}" font-size="14" text-anchor="middle" fill="#222">${escape(xLabel + (logX ? " (log scale)" : ""))}</text>`);
  const yl = { x: box.x + 18, y: area.y + area.h / 2 };
  const yText = p.yLabel + (logY ? " (log scale)" : "");
  out.push(`<text x="${f(yl.x)}" y="${f(yl.y)}" font-size="14" text-anchor="middle" fill="#222" transform="rotate(-90 ${f(yl.x)} ${f(yl.y)})">${escape(yText)}</text>`);
  const drawn: { x: number; y: number }[] = [];
  p.lines.forEach((l, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const q = l.points.filter(finite).filter((v) => !logY || v.y > 0);
    if (q.length === 0) return;
    const dash = l.dashed ? ` stroke-dasharray="7 5"` : "";
    const screen = q.map((v) => ({ x: sx(v.x), y: sy(v.y) }));
    drawn.push(...screen);
    out.push(`<polyline points="${screen.map((v) => `${f(v.x)},${f(v.y)}`).join(" ")}" fill="none" stroke="${colour}" stroke-width="2.5"${dash}/>`);
    for (const v of screen) out.push(`<circle cx="${f(v.x)}" cy="${f(v.y)}" r="3.5" fill="${l.dashed ? "#ffffff" : colour}" stroke="${colour}" stroke-width="1.5"/>`);
  });
  out.push(...legend(p.lines, area, drawn));
  return out;
}

/** The legend in the corner of the panel that hides the fewest data points, on a white box. */
function legend(lines: readonly PlotLine[], area: Box, drawn: readonly { x: number; y: number }[]): string[] {
  const rowH = 18;
  const w = Math.min(area.w - 16, 40 + 6.6 * Math.max(...lines.map((l) => l.label.length)));
  const h = rowH * lines.length + 8;
  const corners = [
    { x: area.x + 8, y: area.y + 8 },
    { x: area.x + area.w - 8 - w, y: area.y + 8 },
    { x: area.x + 8, y: area.y + area.h - 8 - h },
    { x: area.x + area.w - 8 - w, y: area.y + area.h - 8 - h },
  ];
  const hidden = (c: { x: number; y: number }) => drawn.filter((d) => d.x >= c.x - 6 && d.x <= c.x + w + 6 && d.y >= c.y - 6 && d.y <= c.y + h + 6).length;
  const { x, y } = corners.reduce((best, c) => (hidden(c) < hidden(best) ? c : best));
  const out = [`<rect x="${f(x)}" y="${f(y)}" width="${f(w)}" height="${f(h)}" fill="#ffffff" fill-opacity="0.9" stroke="#bbb"/>`];
  lines.forEach((l, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const cy = y + 13 + i * rowH;
    out.push(`<line x1="${f(x + 6)}" y1="${f(cy)}" x2="${f(x + 28)}" y2="${f(cy)}" stroke="${colour}" stroke-width="2.5"${l.dashed ? ` stroke-dasharray="7 5"` : ""}/>`);
    out.push(`<text x="${f(x + 34)}" y="${f(cy + 4)}" font-size="12" fill="#222">${escape(l.label)}</text>`);
  });
  return out;
}

function padRange(lo: number, hi: number, share: number): { lo: number; hi: number } {
  if (lo === hi) return { lo: lo - 1, hi: hi + 1 };
  const pad = (hi - lo) * share;
  return { lo: lo - pad, hi: hi + pad };
}

/** About five round ticks covering [lo, hi] (steps 1, 2 or 5 times a power of ten). */
export function niceTicks(lo: number, hi: number): number[] {
  if (lo === hi) return niceTicks(lo - 1, hi + 1);
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.floor(lo / step) * step; t < hi + step * 0.999; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Integer exponents covering [lo, hi] (a log axis), at most about six of them. */
function decadeTicks(lo: number, hi: number): number[] {
  const a = Math.floor(lo);
  const b = Math.max(Math.ceil(hi), a + 1);
  const step = Math.max(1, Math.ceil((b - a) / 6));
  const ticks: number[] = [];
  for (let e = a; e < b + step; e += step) ticks.push(e);
  return ticks;
}

/** 10^e with a superscript exponent. */
function power(e: number): string {
  return e === 0 ? "1" : e === 1 ? "10" : `10<tspan dy="-6" font-size="9">${e}</tspan>`;
}

/** Powers of ten inside [lo, hi], filled in with 2 and 5 multiples when there are fewer than three. */
function logTicks(lo: number, hi: number): number[] {
  const within = (t: number) => t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9);
  const decades: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) decades.push(10 ** e);
  const ticks = decades.filter(within);
  return ticks.length >= 3 ? ticks : decades.flatMap((d) => [d, 2 * d, 5 * d]).filter(within);
}

/** Tick text: as few decimals as the step needs; exponent form past 1e6. */
function tickLabel(t: number, ticks: readonly number[]): string {
  if (t === 0) return "0";
  const a = Math.abs(t);
  if (a >= 1e6 || a < 1e-3) return t.toExponential(1).replace("e+", "e");
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : 1;
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return t.toFixed(Number.isInteger(t) ? 0 : decimals);
}

const f = (v: number): string => (Math.round(v * 100) / 100).toString();

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
