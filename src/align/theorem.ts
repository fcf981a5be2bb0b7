/**
 * The symmetry theorem an alignment cites: a generated proof file declaring an MLP of the
 * same widths and activation, with one claim per generator of the part of the group that g
 * uses on each hidden layer -- the transposition (0 1) and the cycle (0 1 ... n-1), which
 * generate every permutation of n units; scaling every unit by its own c > 0; flipping unit
 * 0 (with the permutations, every sign pattern). Each claim says "for all parameters and all
 * inputs, N after the generator computes N", and a composition of such maps preserves the
 * function, so g does. The text depends only on the network and on which kinds of
 * generators g uses, so the checker's claim cache answers every later alignment at once.
 */
import { check } from "../check.ts";
import { Rational } from "../numeric/rational.ts";
import type { Activation } from "../elaborate/types.ts";
import type { Options } from "../options.ts";
import type { GroupElement, UnitAction } from "./types.ts";

/** What each builtin activation lets a unit do (the theorem, not this table, is what certifies). */
export function unitAction(a: Activation): UnitAction {
  if (a.builtin === "relu" || a.builtin === "leaky_relu" || a.builtin === "identity") return "scale";
  if (a.builtin === "tanh") return "flip";
  return "none";
}

/** One generator claim and what it says, for the report. */
export interface Generator {
  readonly claim: string;
  readonly statement: string;
  /** What it is about (a hidden layer "h1", a class id), so that a failed whole-group claim can fall back to its building blocks. */
  readonly unit?: string;
}

/** The proof file for g (null text when g is the identity: nothing to prove). */
export function theoremFile(widths: readonly number[], activations: readonly Activation[], g: GroupElement): { text: string; generators: Generator[] } | { problem: string } {
  const used = g.layers.map((m) => ({ moved: m.perm.some((p, i) => p !== i), scaled: m.scales.some((c) => !c.eq(Rational.ONE)), negative: m.scales.some((c) => c.sign() < 0) }));
  const needsActivation = used.some((u) => u.scaled);
  const act = activations[0]!;
  if (needsActivation && !activations.every((a) => a.key === act.key)) return { problem: "the hidden layers have different activations; no theorem is generated for scalings or sign flips of such a network" };
  if (needsActivation && act.builtin === null) return { problem: `${act.name} is not a builtin activation; no theorem is generated for its scalings or sign flips` };
  // Permutations alone are a symmetry for every activation: prove them for an uninterpreted one.
  const actText = needsActivation ? act.key : "sigma";
  const lines = [needsActivation ? "" : "activation sigma", `network N = mlp(${widths.join(" -> ")}, ${actText})`];
  const generators: Generator[] = [];
  g.layers.forEach((m, idx) => {
    const l = m.layer;
    const n = widths[l]!;
    const u = used[idx]!;
    const flips = u.scaled && unitAction(act) === "flip";
    if ((u.moved || flips) && n >= 2) {
      lines.push(`theorem swap_h${l}: N ~ N after permute N.h${l} by (0 1)`);
      generators.push({ claim: `swap_h${l}`, statement: `permute N.h${l} by (0 1)`, unit: `h${l}` });
      if (n >= 3) {
        lines.push(`theorem cycle_h${l}: N ~ N after permute N.h${l} by [${Array.from({ length: n }, (_, i) => (i + 1) % n).join(", ")}]`);
        generators.push({ claim: `cycle_h${l}`, statement: `permute N.h${l} by the cycle (0 1 ... ${n - 1})`, unit: `h${l}` });
      }
    }
    if (u.scaled && !flips) {
      if (u.negative) return;
      lines.push(`symmetry scale_h${l}_by(c[${n}] > 0) = scale N.h${l} by c`, `theorem scale_h${l}: N ~ N after scale_h${l}_by`);
      generators.push({ claim: `scale_h${l}`, statement: `scale every unit of N.h${l} by its own c > 0`, unit: `h${l}` });
    }
    if (flips) {
      lines.push(`theorem flip_h${l}: N ~ N after flip N.h${l}[0]`);
      generators.push({ claim: `flip_h${l}`, statement: `flip the sign of unit 0 of N.h${l}`, unit: `h${l}` });
    }
  });
  if (used.some((u) => u.negative) && unitAction(act) !== "flip") return { problem: `g multiplies some unit by a negative number, which is no symmetry the generator theorems cover for ${act.name}` };
  return { text: lines.filter((x) => x !== "").join("\n") + "\n", generators };
}

/** The outcome of checking the generator claims. */
export interface TheoremOutcome {
  readonly proved: boolean;
  readonly generators: readonly (Generator & { readonly verdict: string; readonly ms: number })[];
  readonly text: string;
}

/** Check the generated file with the checker; `proved` when every generator is proved. */
export async function proveTheorem(text: string, generators: readonly Generator[], options: Options): Promise<TheoremOutcome> {
  const report = await check([{ path: "neteq-align-theorem.neq", text }], options);
  const claims = report.files.flatMap((f) => f.claims);
  const out = generators.map((gen) => {
    const c = claims.find((x) => x.name === gen.claim);
    return { ...gen, verdict: c?.verdict ?? "error", ms: c?.ms ?? 0 };
  });
  const errors = report.files.flatMap((f) => f.diagnostics).filter((d) => d.severity === "error");
  return { proved: errors.length === 0 && out.length > 0 && out.every((x) => x.verdict === "proved"), generators: out, text };
}
