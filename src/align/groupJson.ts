/** g as JSON (`neteq align --json`, `--apply g.json`): permutations and rational scales as strings. */
import { Rational } from "../numeric/rational.ts";
import { ExactTextBudget, WEIGHT_LIMITS } from "../weights/limits.ts";
import type { PermClass } from "./classes.ts";
import type { ClassScaling } from "./unitScales.ts";
import { knownInverse } from "./attentionExact.ts";
import type { GroupElement, TensorGroupElement, UnitAction } from "./types.ts";

/** The JSON form: { widths, layers: [{ layer, perm, scales: ["1", "-1/2", ...] }] }. */
export function groupToJson(g: GroupElement): unknown {
  return { widths: g.widths, layers: g.layers.map((m) => ({ layer: m.layer, perm: m.perm, scales: m.scales.map((c) => c.toString()) })) };
}

/**
 * Parse and check g against the network's widths and what each hidden layer's units may do
 * (`actions[l-1]`: scale only by c > 0, flip only by +-1, otherwise only 1); messages name the field.
 */
export function groupFromJson(raw: unknown, widths: readonly number[], actions: readonly UnitAction[]): { g: GroupElement } | { problem: string } {
  const budget = new ExactTextBudget();
  const o = raw as { widths?: unknown; layers?: unknown; g?: unknown } | null;
  const src = (o && typeof o === "object" && "g" in o ? (o.g as typeof o) : o) ?? null;
  if (!src || !Array.isArray(src.layers) || !Array.isArray(src.widths)) return { problem: "expected { widths, layers: [{ layer, perm, scales }] } (as written by neteq align --json)" };
  if (src.widths.length !== widths.length || src.widths.some((w, i) => w !== widths[i])) return { problem: `widths ${JSON.stringify(src.widths)} are not the network's ${JSON.stringify(widths)}` };
  if (src.layers.length !== widths.length - 2) return { problem: `${src.layers.length} layers; the network has ${widths.length - 2} hidden layers` };
  const layers = [];
  for (let l = 1; l <= widths.length - 2; l++) {
    const m = src.layers[l - 1] as { layer?: unknown; perm?: unknown; scales?: unknown };
    const n = widths[l]!;
    if (m?.layer !== l) return { problem: `layers[${l - 1}].layer must be ${l}` };
    const perm = m.perm;
    if (!Array.isArray(perm) || perm.length !== n || !perm.every((p) => Number.isInteger(p) && p >= 0 && p < n) || new Set(perm).size !== n) return { problem: `layer ${l}: perm is not a permutation of 0..${n - 1}` };
    if (!Array.isArray(m.scales) || m.scales.length !== n) return { problem: `layer ${l}: scales must list ${n} numbers` };
    const scales: Rational[] = [];
    for (const s of m.scales) {
      const e = exactEntry(s, budget);
      if (e && "problem" in e) return { problem: `layer ${l}: scales: ${e.problem}` };
      const r = e;
      const action = actions[l - 1] ?? "none";
      const ok = r && (action === "scale" ? r.sign() > 0 : action === "flip" ? r.abs().eq(Rational.ONE) : r.eq(Rational.ONE));
      if (!ok) return { problem: `layer ${l}: scale ${shownValue(s)} is not ${action === "scale" ? "a positive number or fraction (its units rescale only by c > 0)" : action === "flip" ? "1 or -1 (its units only flip)" : "1 (its activation allows no rescaling or flip)"}` };
      scales.push(r);
    }
    layers.push({ layer: l, perm: perm as number[], scales });
  }
  return { g: { widths, layers } };
}

/** A tensor network's g as JSON: { classes: [{ id, where, perm }] }. */
export function tensorGroupToJson(g: TensorGroupElement): unknown {
  const attention = g.attention?.map((a) => ({ block: a.block, action: a.kind === "qk" ? "W_Q A, W_K A^-T" : "W_V A, A^-1 W_O", kind: a.kind, dim: a.dim, heads: a.matrices.map((X, head) => {
      // A^-1 as align computed it, when known: --apply checks A A^-1 = I instead of inverting A.
      const inv = knownInverse(X);
      return { head, matrix: X.map((r) => r.map(String)), ...(inv ? { inverse: inv.map((r) => r.map(String)) } : {}) };
    }) }));
  return { classes: g.classes.map((c) => ({ id: c.id, where: c.where, perm: c.perm, ...(c.scales ? { action: c.action, scales: c.scales.map((x) => x.toString()) } : {}) })), ...(attention ? { attention } : {}) };
}

/** Parse a tensor network's g and check it against the network's classes; messages name the field. */
export function tensorGroupFromJson(raw: unknown, classes: readonly PermClass[], scalings?: readonly (ClassScaling | null)[]): { g: TensorGroupElement } | { problem: string } {
  const budget = new ExactTextBudget();
  const o = raw as { classes?: unknown; g?: unknown } | null;
  const src = (o && typeof o === "object" && "g" in o ? (o.g as typeof o) : o) ?? null;
  if (!src || !Array.isArray(src.classes)) return { problem: `expected { classes: [{ id, perm }] } (as written by neteq align --json); the network's classes are ${classes.map((c) => c.id).join(", ") || "none"}` };
  if ("attention" in src && src.attention !== undefined) return { problem: "g includes continuous attention actions; --apply applies only permutations, scalings and flips" };
  const given = new Map<string, { perm?: unknown; scales?: unknown }>();
  for (const c of src.classes as { id?: unknown; perm?: unknown; scales?: unknown }[]) {
    if (!c || typeof c.id !== "string") return { problem: "every entry of classes needs an id" };
    if (!classes.some((k) => k.id === c.id)) return { problem: `class ${c.id} is not a permutation class of the network (its classes: ${classes.map((k) => k.id).join(", ")})` };
    given.set(c.id, c);
  }
  const out = [];
  for (const [k, c] of classes.entries()) {
    const entry = given.get(c.id);
    const perm = entry ? entry.perm : Array.from({ length: c.size }, (_, i) => i);
    if (!Array.isArray(perm) || perm.length !== c.size || !perm.every((p) => Number.isInteger(p) && p >= 0 && p < c.size) || new Set(perm).size !== c.size) return { problem: `class ${c.id}: perm is not a permutation of 0..${c.size - 1}` };
    if (entry?.scales === undefined) {
      out.push({ id: c.id, where: c.where, perm: perm as number[] });
      continue;
    }
    const action = scalings?.[k]?.kind;
    if (!action) return { problem: `class ${c.id}: its units neither rescale nor flip in this network, so it takes no scales` };
    if (!Array.isArray(entry.scales) || entry.scales.length !== c.size) return { problem: `class ${c.id}: scales must list ${c.size} numbers` };
    const scales: Rational[] = [];
    for (const s of entry.scales) {
      const e = exactEntry(s, budget);
      if (e && "problem" in e) return { problem: `class ${c.id}: scales: ${e.problem}` };
      const r = e;
      const ok = r && (action === "scale" ? r.sign() > 0 : r.abs().eq(Rational.ONE));
      if (!ok) return { problem: `class ${c.id}: scale ${shownValue(s)} is not ${action === "scale" ? "a positive number or fraction" : "1 or -1 (its units only flip)"}` };
      scales.push(r);
    }
    out.push({ id: c.id, where: c.where, perm: perm as number[], action, scales });
  }
  return { g: { classes: out } };
}

/**
 * A scale or matrix entry of a g.json as an exact rational: a number or a string "p/q" or
 * decimal of at most WEIGHT_LIMITS.exactStringChars characters, within the file's budget for
 * long numbers (a long fraction costs a quadratic gcd); else why not.
 */
export function exactEntry(x: unknown, budget: ExactTextBudget): Rational | { problem: string } | null {
  if (typeof x !== "string" && typeof x !== "number") return null;
  const text = String(x);
  if (text.length > WEIGHT_LIMITS.exactStringChars) return { problem: `an entry of ${text.length} characters (at most ${WEIGHT_LIMITS.exactStringChars})` };
  if (!budget.spend(text.length)) return { problem: `the file's ${ExactTextBudget.refusal.replace(/^its /, "")}` };
  return Rational.parse(text);
}

/** A value as a message shows it (long strings cut). */
export const shownValue = (x: unknown): string => {
  const t = JSON.stringify(x) ?? String(x);
  return t.length > 40 ? `${t.slice(0, 40)}...` : t;
};
