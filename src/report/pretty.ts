/**
 * The human-readable report: diagnostics with carets, one line per claim (verdict, time,
 * strategy, axioms used or reason), a witness as per-layer, per-unit tables, and a summary.
 */
import type { Nested, Witness } from "../verdicts/types.ts";
import { seconds, showValue, table } from "./table.ts";
import type { ClaimReport, Report, ReportDiagnostic } from "./types.ts";

export interface PrettyOptions {
  readonly color?: boolean;
}

const MAX_COLS = 6;
const MAX_UNITS = 8;

/** One diagnostic with its location and caret snippet. */
export function renderReportDiagnostic(d: ReportDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}${d.snippet ? `\n${d.snippet}` : ""}`;
}

/** The header line of a run. */
export function header(r: Report): string {
  const z3 = r.z3 ? ` · ${r.z3}` : "";
  return `neteq · seed ${r.seed}${z3} · strategy ${r.strategy} · timeout ${r.timeoutMs / 1000} s`;
}

/** One claim, with its witness when refuted. */
export function renderClaim(c: ClaimReport, color = false): string {
  const paint = (code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const mark = c.ok ? paint(32, "✓") : paint(31, "✗");
  const verdict = c.verdict.padEnd(8);
  let detail: string;
  if (c.verdict === "proved" && c.strategy === "symbolic") detail = `symbolic (rule chain${c.obligations?.total ? `, ${c.obligations.total} activation lemma${c.obligations.total === 1 ? "" : "s"}${c.obligations.cached ? `, ${c.obligations.cached} cached` : ""}` : ""}) · axioms: ${c.axiomsUsed.length ? c.axiomsUsed.join("; ") : "none"}`;
  else if (c.verdict === "proved") detail = `${c.strategy}${c.obligations ? ` (${c.obligations.distinct} distinct of ${c.obligations.total} obligations${c.obligations.identities ? `, ${c.obligations.identities} by identity` : ""}${c.obligations.cached ? `, ${c.obligations.cached} cached` : ""})` : ""} · axioms: ${c.axiomsUsed.length ? c.axiomsUsed.join("; ") : "none"}`;
  else if (c.verdict === "refuted") detail = `${c.witness!.source}, replayed ${c.witness!.replay === "exact" ? "exactly" : "in float64"}`;
  else detail = "";
  // A whole-group or every-width claim: what it was proved for, or the instance that refuted it.
  const at = c.notes?.find((n) => n.startsWith("refuted at"));
  if (c.verdict === "refuted" && c.holdsFor && at) detail += `, ${at.replace(/^refuted /, "")}`;
  if (c.verdict === "proved" && c.holdsFor) detail += ` · ${c.holdsFor}`;
  if (c.verdict === "holds" || c.verdict === "fails" || c.verdict === "unknown" || c.verdict === "error") detail = c.reason ?? "";
  const expectation = c.ok || c.verdict === "error" ? "" : ` (expected ${c.expect})`;
  const line = `  ${mark} ${c.name.padEnd(18)} ${verdict} ${seconds(c.ms).padStart(8)}  ${detail}${expectation}`;
  const parts = [line];
  // Notes matter when the verdict is not the expected one (why a false claim was not refuted).
  if (!c.ok) for (const n of c.notes ?? []) parts.push(`      note: ${n}`);
  if (c.witness) parts.push(renderWitness(c.witness, "      "));
  if (c.values) parts.push(boundSummary(c.values, "      "));
  return parts.join("\n");
}

/** The main quantities of a bound statement on two lines (JSON has all of them). */
function boundSummary(v: Readonly<Record<string, number>>, indent: string): string {
  const f = (x: number | undefined) => (x === undefined ? "?" : showValue(Number(x.toPrecision(6))));
  const mc = v.volume_mc_low !== undefined && v.volume_mc_high !== undefined ? `, Monte Carlo ${f(v.volume_mc)} in [${f(v.volume_mc_low)}, ${f(v.volume_mc_high)}]` : "";
  return (
    `${indent}S = ${f(v.S)}, log10 Lambda = ${f(v.log10_Lambda)}, log10 N: classical ${f(v.log10_classical)}, reduced ${f(v.log10_reduced)} (gap ${f(v.log10_gain)}, share ${f(v.gain_share)})\n` +
    `${indent}volume fraction 10^${f(v.log10_volume)}${mc}`
  );
}

const vec = (xs: readonly (string | number)[]): string => `[${xs.map(showValue).join(", ")}]`;

/** A witness: input, outputs, scalars, activation realisations, then a table per layer. */
export function renderWitness(w: Witness, indent: string): string {
  const out: string[] = [];
  for (const [name, xs] of Object.entries(w.input)) out.push(`${indent}input ${name} = ${vec(xs)}`);
  out.push(`${indent}outputs: left ${vec(w.outputs.lhs)}, right ${vec(w.outputs.rhs)}`);
  for (const [name, v] of Object.entries(w.scalars)) out.push(`${indent}scalar ${name} = ${Array.isArray(v) ? vec(v) : showValue(v)}`);
  for (const [name, a] of Object.entries(w.activations)) {
    const pts = a.points.slice(0, 4).map(([x, y]) => `${name}(${showValue(x)}) = ${showValue(y)}`).join(", ");
    out.push(`${indent}${name} realised as ${a.realisation}${pts ? `: ${pts}${a.points.length > 4 ? ", ..." : ""}` : ""}`);
  }
  if (w.note) out.push(`${indent}note: ${w.note}`);
  for (const layer of w.layers) {
    const head = ["unit"];
    const cols: ((u: number) => string)[] = [];
    for (const p of layer.params) {
      const v = w.parameters[p];
      if (!v) continue;
      if (Array.isArray(v[0]) && (v[0] as readonly unknown[]).some((x) => Array.isArray(x))) {
        // Three or more axes: the unit's slice, flattened.
        const rowsOf = (x: Nested): (string | number)[] => (Array.isArray(x) ? x.flatMap(rowsOf) : [x as string | number]);
        const m = (v as readonly Nested[]).map(rowsOf);
        const n = m[0]!.length;
        for (let k = 0; k < Math.min(n, MAX_COLS); k++) {
          head.push(`${p}[u,#${k}]`);
          cols.push((u) => (u < m.length ? showValue(m[u]![k]!) : ""));
        }
        if (n > MAX_COLS) {
          head.push(`(+${n - MAX_COLS} entries)`);
          cols.push(() => "...");
        }
      } else if (Array.isArray(v[0])) {
        const m = v as (string | number)[][];
        const n = m[0]!.length;
        for (let k = 0; k < Math.min(n, MAX_COLS); k++) {
          head.push(`${p}[u,${k}]`);
          cols.push((u) => (u < m.length ? showValue(m[u]![k]!) : ""));
        }
        if (n > MAX_COLS) {
          head.push(`(+${n - MAX_COLS} cols)`);
          cols.push(() => "...");
        }
      } else {
        head.push(`${p}[u]`);
        cols.push((u) => (u < v.length ? showValue((v as (string | number)[])[u]!) : ""));
      }
    }
    const rows = [head];
    for (let u = 0; u < Math.min(layer.size, MAX_UNITS); u++) rows.push([String(u), ...cols.map((f) => f(u))]);
    out.push(`${indent}layer ${layer.name}${layer.size > MAX_UNITS ? ` (first ${MAX_UNITS} of ${layer.size} units)` : ""}:`);
    out.push(table(rows, `${indent}  `));
  }
  return out.join("\n");
}

/** The whole report as text. */
export function renderPretty(r: Report, opts: PrettyOptions = {}): string {
  const out: string[] = [header(r), ""];
  for (const u of r.usage) out.push(`error: ${u}`);
  for (const f of r.files) {
    out.push(f.path);
    for (const d of f.diagnostics) out.push(renderReportDiagnostic(d));
    for (const c of f.claims) out.push(renderClaim(c, opts.color));
    if (f.claims.length === 0 && f.diagnostics.length === 0) out.push("  (no claims)");
    out.push("");
  }
  const s = r.summary;
  out.push(`${s.claims} claim${s.claims === 1 ? "" : "s"}: ${s.ok} ok, ${s.failed} failed · ${s.proved} proved, ${s.refuted} refuted, ${s.unknown} unknown, ${s.errors} errors · ${seconds(s.ms)}`);
  return out.join("\n") + "\n";
}
