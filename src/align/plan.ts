/**
 * What `neteq align` does for one network, whatever its kind: an `mlp(...)` network (hidden
 * layers permuted, rescaled or sign-flipped, matchMlp.ts) or any tensor network (one
 * permutation per class of tied axes, matchTensor.ts). The command composes these steps:
 * match, check exactly, cite the theorem; or, when no exact g exists, the nearest g by
 * assignment and its residual.
 */
import * as path from "node:path";
import type { Network } from "../elaborate/types.ts";
import type { Options } from "../options.ts";
import type { ReadFile } from "../syntax/load.ts";
import { applyMlp, toFloat } from "./apply.ts";
import { attentionFromJson } from "./attentionJson.ts";
import { applyMlpExact, applyTensorExact, type ExactParam } from "./applyExact.ts";
import { canonicalGroupElement } from "./canonicalise.ts";
import { canonicalTensor } from "./canonicaliseTensor.ts";
import { permutationClasses, type FixedAxis, type PermClass } from "./classes.ts";
import { groupFromJson, groupToJson, tensorGroupFromJson, tensorGroupToJson } from "./groupJson.ts";
import { matchMlp, type ParamValues } from "./matchMlp.ts";
import { matchTensorScaled } from "./matchTensor.ts";
import { classScalings, normalise, normalisedFloats } from "./unitScales.ts";
import { isIdentityAction, sameInEveryHead } from "./attention.ts";
import { matchAttention, matchableBlocks } from "./matchAttention.ts";
import { applyMlpRounded, nearMatchMlp, nearMatchTensor, nearTooLarge } from "./near.ts";
import { applyTensor, modeScales, verifyTensor } from "./permuteTensor.ts";
import { theoremFile, unitAction, type TheoremOutcome } from "./theorem.ts";
import type { AttentionAction, ExactCheck, GroupElement, Tie, TensorGroupElement } from "./types.ts";
import type { AttentionBlock } from "./attention.ts";
import { verifyMlp } from "./verifyMlp.ts";
import { mlpWholeGroup, proveWithFallback, tensorBlocks, tensorWholeGroup } from "./wholeGroup.ts";

/** g of either kind. */
export type AnyGroup = { readonly kind: "mlp"; readonly g: GroupElement } | { readonly kind: "tensor"; readonly g: TensorGroupElement };

/** Where no unit of A matches a unit of B. */
export interface Unmatched {
  readonly where: string;
  readonly unit: number;
  readonly reason: string;
  /** Why this does not prove that no g maps A to B (the search was not exhaustive); absent when it does. */
  readonly undecided?: string;
}

/**
 * What `match` found: a candidate g (the exact check decides), or a unit of B without a
 * counterpart. `undecided` says why a failure (no candidate, or a candidate the exact check
 * refutes) would not prove that B is no image: ties paired in index order, scales not
 * determined, a search given up (rank, work bounds), actions not searched. Without it, the
 * candidate is the only possible g, and a failure proves B is not an image.
 */
export type Found = { g: AnyGroup; ties: readonly Tie[]; notes?: readonly string[]; undecided?: string } | { noMatch: Unmatched };

/** One row of the readable table: per layer or class. */
export type Row = readonly string[];

export type Theorem = TheoremOutcome | { readonly problem: string } | { readonly identity: true };

/** The steps of `neteq align` for one network. */
export interface Plan {
  /** What g can do, for messages: "permutations and positive scalings". */
  readonly group: string;
  readonly fixed: readonly FixedAxis[];
  match(A: ParamValues, B: ParamValues): Found;
  verify(g: AnyGroup, A: ParamValues, B: ParamValues): ExactCheck;
  theorem(g: AnyGroup, options: Options): Promise<Theorem>;
  /** Why `near` would be too large (nearTooLarge), checked before calling it; or null. */
  nearTooLarge(): string | null;
  /** The nearest g by assignment, and g A in float64 (for residuals). */
  near(A: ParamValues, B: ParamValues): { g: AnyGroup; gA: Map<string, Float64Array> };
  /** g A exactly as float64 values, or why not. */
  apply(g: AnyGroup, A: ParamValues): { params: Map<string, Float64Array> } | { problem: string };
  /** g A exactly (rationals, computed entry by entry), or why not. */
  applyExact(g: AnyGroup, A: ParamValues): { params: Map<string, ExactParam> } | { problem: string };
  /**
   * g with g A the representative of A's orbit (canonicalise.ts, canonicaliseTensor.ts), the
   * units tied there, and the units whose scale or sign is not determined; with `keepScales`,
   * positive scalings are not normalised.
   */
  canonical(A: ParamValues, keepScales: boolean): { g: AnyGroup; ties: readonly Tie[]; undetermined: readonly Tie[] };
  toJson(g: AnyGroup): unknown;
  fromJson(raw: unknown): { g: AnyGroup } | { problem: string };
  header: Row;
  rows(g: AnyGroup, ties: readonly Tie[]): Row[];
}

/** { undecided } when there is a reason, {} otherwise. */
const opt = (undecided: string | undefined): { undecided?: string } => (undecided === undefined ? {} : { undecided });

const preview = (perm: readonly number[]) => (perm.length <= 8 ? `[${perm.join(", ")}]` : `[${perm.slice(0, 6).join(", ")}, ...]`);
const movedCount = (perm: readonly number[]) => perm.filter((p, i) => p !== i).length;
const isIdentity = (g: AnyGroup) => (g.kind === "mlp" ? g.g.layers.every((m) => movedCount(m.perm) === 0 && m.scales.every((c) => c.num === c.den)) : g.g.classes.every((c) => movedCount(c.perm) === 0 && (c.scales ?? []).every((x) => x.num === x.den)) && (g.g.attention ?? []).every(isIdentityAction));

/** "all 1", "3 distinct (2, 1/2, 3)". */
function scalesText(scales: readonly { toString(): string }[]): string {
  const distinct = [...new Set(scales.map((c) => c.toString()))];
  return distinct.length === 1 ? `all ${distinct[0]}` : `${distinct.length} distinct (${distinct.slice(0, 3).join(", ")}${distinct.length > 3 ? ", ..." : ""})`;
}

function mlpPlan(net: Network & { mlp: NonNullable<Network["mlp"]> }): Plan {
  const { widths, activations } = net.mlp;
  const actions = activations.map(unitAction);
  const mlp = (g: AnyGroup) => (g as { g: GroupElement }).g;
  return {
    group: `permutations${actions.includes("scale") ? " and positive scalings" : actions.includes("flip") ? " and sign flips" : ""}`,
    fixed: [],
    match(A, B) {
      const r = matchMlp(widths, actions, A, B);
      const why = [...r.ties.map((t) => `${t.where}: ${t.units} units of A share their incoming weights and bias with another unit (paired in index order; another pairing might be g)`), ...r.free];
      const undecided = why.length ? { undecided: why.join("; ") } : {};
      return "g" in r ? { g: { kind: "mlp", g: r.g }, ties: r.ties, ...undecided } : { noMatch: { where: `h${r.noMatch.layer}`, unit: r.noMatch.unit, reason: r.noMatch.reason, ...undecided } };
    },
    verify: (g, A, B) => verifyMlp(mlp(g), A, B),
    async theorem(g, options) {
      if (isIdentity(g)) return { identity: true };
      const whole = mlpWholeGroup(widths, activations, mlp(g));
      if ("problem" in whole) return whole;
      return proveWithFallback(whole, () => {
        const b = theoremFile(widths, activations, mlp(g));
        return "problem" in b ? b : { path: "neteq-align-blocks.neq", ...b };
      }, options);
    },
    nearTooLarge: () =>
      nearTooLarge(
        widths.slice(1, -1).map((n, i) => ({ where: `h${i + 1}`, units: n, entries: n * (widths[i]! + 1) })),
        widths.slice(1).reduce((t, n, i) => t + n * (widths[i]! + 1), 0),
      ),
    near(A, B) {
      const g = nearMatchMlp(widths, actions, A, B);
      return { g: { kind: "mlp", g }, gA: applyMlpRounded(g, A) };
    },
    apply: (g, A) => applyMlp(mlp(g), A),
    applyExact: (g, A) => ({ params: applyMlpExact(mlp(g), A) }),
    canonical(A, keepScales) {
      const c = canonicalGroupElement(widths, actions, A, keepScales);
      return { g: { kind: "mlp", g: c.g }, ties: c.ties, undetermined: c.undetermined };
    },
    toJson: (g) => groupToJson(mlp(g)),
    fromJson(raw) {
      const r = groupFromJson(raw, widths, actions);
      return "g" in r ? { g: { kind: "mlp", g: r.g } } : r;
    },
    header: ["layer", "units", "permutation", "perm", "scales", "sign flips"],
    rows: (g) =>
      mlp(g).layers.map((m) => {
        return [`h${m.layer}`, String(m.perm.length), `${movedCount(m.perm)} moved`, preview(m.perm), scalesText(m.scales), String(m.scales.filter((c) => c.sign() < 0).length)];
      }),
  };
}

function tensorPlan(net: Network, file: string, cwd: string, read: ReadFile): Plan {
  const { classes, fixed } = permutationClasses(net);
  const { scalings } = classScalings(net, classes);
  const attention = matchableBlocks(net, classes);
  let checked: { g: TensorGroupElement; A: ParamValues; B: ParamValues; result: ExactCheck } | null = null;
  const actions = new Set(scalings.map((x) => x?.kind).filter((x) => x !== undefined));
  const tg = (g: AnyGroup) => (g as { g: TensorGroupElement }).g;
  // The theorem file imports the network's file; it is checked as if it sat in cwd.
  let importPath = path.relative(cwd, path.resolve(cwd, file)).split(path.sep).join("/");
  if (!importPath.startsWith(".") && !path.isAbsolute(importPath)) importPath = `./${importPath}`;
  return {
    group: `permutations of its tied axis classes${actions.has("scale") ? `, positive scalings of ${scalings.filter((x) => x?.kind === "scale").length} class(es)` : ""}${actions.has("flip") ? `, sign flips of ${scalings.filter((x) => x?.kind === "flip").length} class(es)` : ""}${attention.blocks.length ? ` and the continuous actions of ${attention.blocks.length} attention operation(s)` : ""}`,
    fixed,
    match(A, B) {
      const r = matchTensorScaled(net, classes, scalings, A, B);
      // Continuous actions the network has but align does not search: a failure proves nothing about them.
      const unsearched = attention.skipped.length ? `not searched: ${attention.skipped.join("; ")}` : undefined;
      const join = (...xs: (string | undefined)[]) => xs.filter((x) => x !== undefined).join("; ") || undefined;
      const tied = (ties: readonly Tie[]) => (ties.length ? `units tie (${ties.map((t) => `${t.where}: ${t.units}`).join(", ")}) and were paired in index order; another pairing might be g` : undefined);
      // The continuous attention actions are tried only when no permutation (and scaling) is an exact g.
      if ("g" in r && attention.blocks.length) checked = { g: r.g, A, B, result: verifyTensor(net, classes, r.g, A, B) };
      if (!attention.blocks.length || ("g" in r && checked!.result.mismatches === 0)) {
        if ("g" in r) return { g: { kind: "tensor", g: r.g }, ties: r.ties, ...opt(join(tied(r.ties), unsearched)) };
        return { noMatch: { ...r.noMatch, ...opt(join(r.noMatch.undecided, unsearched)) } };
      }
      const m = matchAttention(net, classes, attention.blocks, A, B, scalings);
      if ("g" in m) return { g: { kind: "tensor", g: m.g }, ties: m.ties, ...opt(join(tied(m.ties), unsearched)) };
      const why = "problem" in m ? m.problem : `${m.noMatch.where}, unit ${m.noMatch.unit}: ${m.noMatch.reason}`;
      // The permutation-only result says nothing once the attention actions are in the group: the attention search decides.
      const undecided = join("problem" in m ? `the attention actions were not matched: ${m.problem}` : m.noMatch.undecided, unsearched);
      if ("g" in r) return { g: { kind: "tensor", g: r.g }, ties: r.ties, notes: [`with the continuous attention actions: ${why}`], ...opt(undecided) };
      return { noMatch: { ...r.noMatch, reason: `${r.noMatch.reason}; with the continuous attention actions: ${why}`, ...opt(undecided) } };
    },
    verify(g, A, B) {
      // match() may have checked this very g already (before trying the attention actions).
      if (checked && checked.g === tg(g) && checked.A === A && checked.B === B) return checked.result;
      return verifyTensor(net, classes, tg(g), A, B);
    },
    async theorem(g, options) {
      if (isIdentity(g)) return { identity: true };
      const perHead = (tg(g).attention ?? []).filter((a) => !isIdentityAction(a) && !sameInEveryHead(a));
      if (perHead.length) return { problem: `${perHead.map((a) => `${a.block}'s ${a.kind === "qk" ? "W_Q A, W_K A^-T" : "W_V A, A^-1 W_O"}`).join(" and ")} use${perHead.length === 1 ? "s" : ""} a different matrix in different heads; the checker proves the action with one matrix shared by every head (per-head matrices are not expressible in a claim), so no theorem covers this g` };
      const whole = tensorWholeGroup(net.name, importPath, classes, tg(g), attention.blocks);
      return proveWithFallback(whole, (units) => tensorBlocks(net.name, importPath, classes, units, tg(g)), options, read);
    },
    nearTooLarge() {
      const size = new Map(net.params.map((p) => [p.name, p.shape.reduce((a, b) => a * b, 1)]));
      return nearTooLarge(
        classes.map((c) => ({ where: c.where, units: c.size, entries: c.moves.reduce((t, m) => t + size.get(m.param)!, 0) })),
        [...size.values()].reduce((a, b) => a + b, 0),
      );
    },
    near(A, B) {
      const g = nearMatchTensor(net, classes, A, B);
      const applied = applyTensor(net, classes, g, A);
      const plain = { g: { kind: "tensor" as const, g }, gA: "params" in applied ? applied.params : new Map<string, Float64Array>() };
      if (!scalings.some((x) => x !== null)) return plain;
      // The same permutations with scales: first each unit's ratio of its exact normalisers
      // (unitScales.ts), then per unit the scale most of its slices imply. Where B rescales
      // units correctly in every tensor but one, g A then differs from B only in that tensor.
      // Kept when the exact check finds fewer differing entries.
      const [na, nb] = [normalise(net, classes, scalings, A), normalise(net, classes, scalings, B)];
      // The permutations by assignment on the normalised values (rescaled units are far apart before).
      const gn = nearMatchTensor(net, classes, normalisedFloats(net, classes, scalings, A, na.norms), normalisedFloats(net, classes, scalings, B, nb.norms));
      const ratios: TensorGroupElement = { classes: gn.classes.map((c, k) => (scalings[k] ? { ...c, action: scalings[k]!.kind, scales: c.perm.map((u, i) => nb.norms[k]![u]!.div(na.norms[k]![i]!)) } : c)) };
      const scaled = modeScales(net, classes, ratios, A, B);
      const [before, after] = [verifyTensor(net, classes, g, A, B), verifyTensor(net, classes, scaled, A, B)];
      if (after.mismatches >= before.mismatches) return plain;
      const appliedScaled = applyTensor(net, classes, scaled, A, true);
      return { g: { kind: "tensor", g: scaled }, gA: "params" in appliedScaled ? appliedScaled.params : new Map() };
    },
    apply(g, A) {
      if (!tg(g).attention?.length) return applyTensor(net, classes, tg(g), A);
      // W_Q A is rarely a float: computed exactly, written only when every entry is one.
      const exact = applyTensorExact(net, classes, tg(g), A);
      return "problem" in exact ? exact : floatsOf(net, exact.params);
    },
    applyExact: (g, A) => applyTensorExact(net, classes, tg(g), A),
    canonical(A, keepScales) {
      const r = canonicalTensor(net, classes, scalings, A, keepScales);
      return { g: { kind: "tensor", g: r.g }, ties: r.ties, undetermined: r.undetermined };
    },
    toJson: (g) => tensorGroupToJson(tg(g)),
    fromJson(raw) {
      // The attention actions are parsed here (attentionJson.ts), the classes by tensorGroupFromJson.
      const o = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : null;
      const src = o && "g" in o && o.g && typeof o.g === "object" ? (o.g as Record<string, unknown>) : o;
      const { attention: rawAttention, ...rest } = src ?? {};
      const r = tensorGroupFromJson(src ? rest : raw, classes, scalings);
      if (!("g" in r) || rawAttention === undefined) return "g" in r ? { g: { kind: "tensor", g: r.g } } : r;
      const a = attentionFromJson(rawAttention, attention.blocks);
      return "actions" in a ? { g: { kind: "tensor", g: { ...r.g, attention: a.actions } } } : a;
    },
    header: ["class", "units", "permutation", "perm", "scales", "moves", "ties"],
    rows: (g, ties) => [
      ...tg(g).classes.map((c, k): Row => {
        const cls: PermClass = classes[k]!;
        const tie = ties.find((t) => t.id === c.id);
        const moves = cls.moves.map((m) => `${m.param}:${m.axis}`);
        const scales = c.scales ? `${c.action === "flip" ? `${c.scales.filter((x) => x.sign() < 0).length} flipped` : scalesText(c.scales)}` : "-";
        return [c.where, String(c.perm.length), `${movedCount(c.perm)} moved`, preview(c.perm), scales, moves.length > 4 ? `${moves.slice(0, 4).join(", ")}, ... (${moves.length})` : moves.join(", "), tie ? `${tie.units} tied` : "none"];
      }),
      ...(tg(g).attention ?? []).flatMap((a) => attentionRows(a, attention.blocks)),
    ],
  };
}

/** One row per head (up to 8) of an attention action: which action, and its matrix. */
function attentionRows(a: AttentionAction, blocks: readonly AttentionBlock[]): Row[] {
  const b = blocks.find((x) => x.name === a.block)!;
  const side = (a.kind === "qk" ? b.qk : b.vo)!;
  const what = a.kind === "qk" ? "W_Q A, W_K A^-T" : "W_V A, A^-1 W_O";
  const moves = `${side.left.map((m) => `${m.param}:${m.axis}`).join(", ")} by A; ${side.right.map((m) => `${m.param}:${m.axis}`).join(", ")} by A^-T`;
  const shown = a.matrices.slice(0, 8).map((X, h): Row => [`${a.block} head ${h}`, String(a.dim), isIdentityAction({ ...a, matrices: [X] }) ? "identity" : what, matrixText(X), "-", moves, "-"]);
  return a.matrices.length > 8 ? [...shown, [`${a.block} heads 8..${a.matrices.length - 1}`, String(a.dim), what, "(--json has every matrix)", "-", moves, "-"]] : shown;
}

/** "A = [[1, 0], [1/2, 2]]", cut after 4 entries. */
function matrixText(X: readonly (readonly { toString(): string }[])[]): string {
  const flat = X.flat().map(String);
  return flat.length <= 4 ? `A = [${X.map((r) => `[${r.join(", ")}]`).join(", ")}]` : `A = [[${flat.slice(0, 3).join(", ")}, ...], ...] (${X.length}x${X.length})`;
}

/** Exact parameters as float64 arrays, or the first entry that no float64 holds. */
function floatsOf(net: Network, params: ReadonlyMap<string, ExactParam>): { params: Map<string, Float64Array> } | { problem: string } {
  const out = new Map<string, Float64Array>();
  for (const p of net.params) {
    const x = params.get(p.name)!;
    const values = new Float64Array(p.shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) {
      const v = toFloat(x.at(i));
      if (v === null) return { problem: `${p.name} entry ${i} of g A is ${x.at(i)}, which no float64 holds` };
      values[i] = v;
    }
    out.set(p.name, values);
  }
  return { params: out };
}

/** The plan for `net` (`file` as the user named it, for the theorem file's import). */
export function planFor(net: Network, file: string, cwd: string, read: ReadFile): Plan {
  return net.mlp ? mlpPlan(net as Network & { mlp: NonNullable<Network["mlp"]> }) : tensorPlan(net, file, cwd, read);
}
