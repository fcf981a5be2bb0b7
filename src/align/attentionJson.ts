/**
 * The attention actions of a g.json (as `neteq align --json` writes them: per block and side,
 * one matrix per head of A, entries as fractions), parsed and checked against the network's
 * attention blocks, for `--apply`: every message names the field.
 */
import type { Rational } from "../numeric/rational.ts";
import { ExactTextBudget } from "../weights/limits.ts";
import { exactEntry } from "./groupJson.ts";
import type { AttentionBlock } from "./attention.ts";
import { checkInverse, inverse, inverseCost, inverseTooCostly, MAX_INVERSES_COST, MAX_PRODUCT_COST, MAX_PRODUCTS_COST } from "./attentionExact.ts";
import type { AttentionAction } from "./types.ts";

/** Most entries of all matrices together (8 heads of d_head 128, twice per block, 8 blocks). */
const MAX_MATRIX_ENTRIES = 2_200_000;

/** `raw` (the `attention` field) as actions, or the first problem. */
export function attentionFromJson(raw: unknown, blocks: readonly AttentionBlock[]): { actions: AttentionAction[] } | { problem: string } {
  if (!Array.isArray(raw)) return { problem: "attention must be a list of { block, kind, dim, heads: [{ head, matrix }] }" };
  const names = blocks.map((b) => b.name).join(", ") || "none";
  const actions: AttentionAction[] = [];
  let total = 0;
  let cost = 0;
  const budget = new ExactTextBudget();
  const products = { cost: 0 };
  for (const [n, entry] of raw.entries()) {
    const e = entry as { block?: unknown; kind?: unknown; dim?: unknown; heads?: unknown } | null;
    const at = `attention[${n}]`;
    const block = blocks.find((b) => b.name === e?.block);
    if (!e || !block) return { problem: `${at}: block ${JSON.stringify(e?.block)} is not an attention operation of the network (its attention operations: ${names})` };
    if (e.kind !== "qk" && e.kind !== "vo") return { problem: `${at}: kind must be "qk" (W_Q A, W_K A^-T) or "vo" (W_V A, A^-1 W_O)` };
    if ((e.kind === "qk" ? block.qk : block.vo) === null) return { problem: `${at}: ${block.name} has no ${e.kind} action align applies (rotary position embeddings commute only with plane rotations)` };
    if (actions.some((a) => a.block === block.name && a.kind === e.kind)) return { problem: `${at}: ${block.name}'s ${e.kind} action is given twice` };
    const K = block.dim;
    if (e.dim !== K) return { problem: `${at}: dim must be ${K} (d_head of ${block.name})` };
    if (!Array.isArray(e.heads) || e.heads.length !== block.heads) return { problem: `${at}: heads must list ${block.heads} matrices, one per head of A` };
    total += block.heads * K * K;
    if (total > MAX_MATRIX_ENTRIES) return { problem: `${at}: the matrices have more than ${MAX_MATRIX_ENTRIES} entries together` };
    const matrices: Rational[][][] = new Array(block.heads);
    for (const h of e.heads as { head?: unknown; matrix?: unknown }[]) {
      const head = h?.head;
      if (typeof head !== "number" || !Number.isInteger(head) || head < 0 || head >= block.heads || matrices[head]) return { problem: `${at}: every head 0..${block.heads - 1} needs exactly one { head, matrix }` };
      const X = matrixOf(h.matrix, K, budget);
      if (X && "problem" in X) return { problem: `${at}, head ${head}: matrix: ${X.problem}` };
      if (!X) return { problem: `${at}, head ${head}: matrix must be ${K} rows of ${K} numbers or fractions ("3/4")` };
      // Its inverse, when the g.json gives it (align writes the one it computed): checked, not recomputed.
      const given = (h as { inverse?: unknown }).inverse;
      if (given !== undefined) {
        const Y = matrixOf(given, K, budget);
        if (Y && "problem" in Y) return { problem: `${at}, head ${head}: inverse: ${Y.problem}` };
        if (!Y) return { problem: `${at}, head ${head}: inverse must be ${K} rows of ${K} numbers or fractions ("3/4")` };
        const ok = checkInverse(X, Y, products);
        if (ok === null) return { problem: `${at}, head ${head}: checking matrix x inverse = I exactly would take too long (d_head^3 x the entries' bits above ${MAX_PRODUCT_COST.toExponential(0)}, or above ${MAX_PRODUCTS_COST.toExponential(0)} with the other heads); not attempted` };
        if (!ok) return { problem: `${at}, head ${head}: inverse is not the inverse of matrix (their product is not the identity)` };
        matrices[head] = X;
        continue;
      }
      const costly = inverseTooCostly(X);
      if (costly) return { problem: `${at}, head ${head}: ${costly}` };
      cost += inverseCost(X);
      if (cost > MAX_INVERSES_COST) return { problem: `${at}, head ${head}: inverting all the matrices exactly would take too long (d_head^3 x bits^2 summed is about ${cost.toExponential(1)}, above the bound of ${MAX_INVERSES_COST.toExponential(1)}); not attempted` };
      if (!inverse(X)) return { problem: `${at}, head ${head}: the matrix is singular, so it is no element of GL(${K})` };
      matrices[head] = X;
    }
    actions.push({ block: block.name, kind: e.kind, dim: K, matrices });
  }
  return { actions };
}

function matrixOf(raw: unknown, K: number, budget: ExactTextBudget): Rational[][] | { problem: string } | null {
  if (!Array.isArray(raw) || raw.length !== K) return null;
  const rows: Rational[][] = [];
  for (const r of raw) {
    if (!Array.isArray(r) || r.length !== K) return null;
    const row: Rational[] = [];
    for (const x of r) {
      if (typeof x === "number" && !Number.isFinite(x)) return null;
      const e = exactEntry(x, budget);
      if (e && "problem" in e) return e;
      if (!e) return null;
      row.push(e);
    }
    rows.push(row);
  }
  return rows;
}
