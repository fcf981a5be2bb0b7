/**
 * Renderings of a SymmetryReport: the generator table (pretty) and JSON.
 */
import { seconds, table } from "../report/table.ts";
import { movesText } from "./naming.ts";
import type { GeneratorKind, SymmetryReport } from "./types.ts";

/** Why the claims of each kind prove the whole factor. */
const HOW: Record<GeneratorKind, string> = {
  permutation: "S_n: a transposition (0 1) and the n-cycle (0 1 ... n-1), which generate S_n",
  scaling: "(R_>0)^n: one claim over a symbolic vector c[n] > 0 (every unit its own factor)",
  flip: "{+-1}^n: one claim per unit (flip unit j, for j in 0..n-1)",
  sigmoidFlip: "{+-1}^n with bias correction: one claim per unit",
  queryKey: "GL(k): one claim over a symbolic invertible k x k matrix A (W_Q A, W_K A^-T)",
  valueOutput: "GL(k): one claim over a symbolic invertible k x k matrix B (W_V B, B^-1 W_O)",
  ropeRotation: "SO(2)^k: one claim over a symbolic vector of k half-angle tangents (every rotation but the half-turn)",
};

/** The table of generators, the negative controls, what is not claimed, and the group. */
export function renderSymmetries(r: SymmetryReport): string {
  const out: string[] = [`neteq symmetries · ${r.file} · ${r.network} · seed ${r.seed}${r.z3 ? ` · ${r.z3}` : ""}`, ""];
  const head = ["generator", "axis class (parameter:axis)", "group", "order/dim", "verdict", "time"];
  const rows = r.generators.map((g) => [g.title, movesText(g.moves), g.group, g.order ?? `dim ${g.dimension}`, g.verdict, seconds(g.ms)]);
  out.push(rows.length ? table([head, ...rows]) : "no generator derived");
  const notes = r.generators.filter((g) => g.note);
  if (notes.length) out.push("", "notes:", ...notes.map((g) => `  ${g.title}: ${g.note}`));
  const kinds = new Set(r.generators.map((g) => g.kind));
  const how = Object.entries(HOW).filter(([k]) => kinds.has(k as GeneratorKind)).map(([, t]) => `  ${t}`);
  if (how.length) out.push("", "how each factor is proved:", ...how);
  const failing = r.generators.filter((g) => g.verdict !== "proved");
  for (const g of failing) for (const c of g.results.filter((x) => x.verdict !== "proved")) out.push(`  ${g.title} is not a proved symmetry: ${c.name} ${c.verdict}${c.reason ? ` (${c.reason})` : ""}`);
  if (r.controls.length) {
    out.push("", "negative controls (wrong candidates; each must be refuted):");
    out.push(table(r.controls.map((c) => [c.ok ? "  ok" : "  FAILED", c.description, c.verdict, seconds(c.ms)])));
    for (const c of r.controls.filter((x) => !x.ok)) out.push(`  ${c.description}: ${c.verdict}${c.reason ? ` (${c.reason})` : ""}`);
  }
  if (r.notClaimed.length) {
    out.push("", "not claimed (no rule applies; no symmetry is claimed there):");
    for (const n of r.notClaimed) out.push(`  ${n.where}: ${n.reason}`);
  }
  if (r.problems.length) out.push("", "problems of the generated claims (a bug in neteq symmetries):", ...r.problems.map((p) => `  ${p}`));
  const proved = r.generators.filter((g) => g.verdict === "proved").length;
  const refutedControls = r.controls.filter((c) => c.ok).length;
  out.push(
    "",
    `group (proved generators): ${r.group.factors.length ? r.group.factors.join(" x ") : "trivial"}; discrete part of order ${r.group.order}; continuous dimension ${r.group.dimension}`,
    `${r.generators.length} generators: ${proved} proved · ${r.controls.length} controls: ${refutedControls} refuted · ${seconds(r.ms)}`,
  );
  return out.join("\n") + "\n";
}

/** The report as one JSON document. */
export const renderSymmetriesJson = (r: SymmetryReport): string => JSON.stringify(r, null, 2) + "\n";
