/**
 * Read a network's candidate symmetry generators off its structure, with the rules of the
 * elaborator (never new ones):
 *
 * - permutations: one S_n per free axis class (elaborate/axes.ts: axes tied by index
 *   variables, residual sums, normalisations, shared parameters; a class reaching the
 *   input or output, or read with an offset, stride, reshape or condition, is fixed);
 * - per-unit actions (elaborate/units.ts) where the unit's activation allows them:
 *   positive scaling when it is positively homogeneous, sign flips when it is odd, the
 *   sigmoid flip with its bias correction (a hidden tensor without activation is linear:
 *   both);
 * - attention (the auxiliary tensors `<a>.q`, `<a>.k`, `<a>.v`, `<a>.scores` of
 *   elaborate/ops/attention.ts): W_Q A with W_K A^-T, W_V B with B^-1 W_O; with RoPE
 *   (`<a>.q_rope`) the plane rotations instead of the query/key action.
 *
 * Nothing here is a verdict: every candidate is proved (or not) by the checker, and each
 * rule comes with a wrong candidate (a negative control) that the checker must refute.
 * Where no rule applies, the place and the reason are listed and no symmetry is claimed.
 */
import { axisClass } from "../elaborate/axes.ts";
import { paramsIndexedBy } from "../elaborate/iexpr.ts";
import type { Activation, Network, TensorDef, TensorUnits } from "../elaborate/types.ts";
import { tensorUnits } from "../elaborate/units.ts";
import { LIMITS } from "../limits.ts";
import { factorial, fullCycle, orderText, powerOfTwo, slug, transposition, unitRef, whereText } from "./naming.ts";
import type { Candidate, ClaimText, Control, Derivation, NotClaimed, ParamAxis } from "./types.ts";

/** A claim `theorem|refute name: N ~ N after transform`, with the declarations it needs. */
function claim(net: Network, name: string, expect: "proved" | "refuted", transform: string, declarations: string[] = []): ClaimText {
  return { name, declarations, text: `${expect === "proved" ? "theorem" : "refute"} ${name}: ${net.name} ~ ${net.name} after ${transform}`, count: 1 };
}

/** One claim per unit j of 0..n-1, as a sweep. */
function sweep(net: Network, name: string, n: number, transform: (j: string) => string): ClaimText {
  return { name, declarations: [], text: `for j in 0..${n - 1}: theorem ${name}: ${net.name} ~ ${net.name} after ${transform("j")}`, count: n };
}

const byDeclaration = (net: Network) => (a: ParamAxis, b: ParamAxis) => net.params.findIndex((p) => p.name === a.param) - net.params.findIndex((p) => p.name === b.param) || a.axis - b.axis;

/** One S_n per free axis class with at least two units; fixed classes are listed with their reason. */
function permutations(net: Network, out: Derivation & { candidates: Candidate[]; controls: Control[]; notClaimed: NotClaimed[] }): void {
  const seen = new Set<string>();
  const fixed = new Map<string, { where: string[]; reason: string }>();
  const sort = byDeclaration(net);
  for (const def of net.nodes) {
    def.shape.forEach((n, axis) => {
      const c = axisClass(net, def.name, axis);
      if ("reason" in c) {
        // Members of one class share the reason after its "axis k of t" prefix.
        const key = c.reason.replace(/^axis \d+ of \S+ /, "");
        const seenFixed = fixed.get(key);
        const w = whereText(def, axis);
        if (seenFixed && n > 1 && !seenFixed.where.includes(w) && seenFixed.where.length < 4) seenFixed.where.push(w);
        if (!seenFixed && n > 1) fixed.set(key, { where: [w], reason: `permutations: ${key}` });
        return;
      }
      const moves = c.params.map((p) => ({ param: p.name, axis: p.axis })).sort(sort);
      const key = moves.map((m) => `${m.param}:${m.axis}`).join(",");
      if (seen.has(key)) return;
      seen.add(key);
      if (moves.length === 0) {
        if (n > 1) out.notClaimed.push({ where: whereText(def, axis), reason: "permutations: the class moves no parameter (a permutation of it is the identity on parameters)" });
        return;
      }
      if (n < 2) return;
      const id = `perm_${slug(def.name)}_${axis}`;
      const ref = unitRef(net, def, axis);
      const f = factorial(n);
      const claims = [claim(net, `derived_${id}_swap`, "proved", `permute ${ref} by ${transposition}`)];
      if (n > 2) claims.push(claim(net, `derived_${id}_cycle`, "proved", `permute ${ref} by ${fullCycle(n)}`));
      out.candidates.push({
        id,
        kind: "permutation",
        title: `permute ${whereText(def, axis)}`,
        where: whereText(def, axis),
        moves,
        group: `S_${n}`,
        size: n,
        order: orderText(f.exact, f.log10),
        log10Order: f.log10,
        dimension: null,
        claims,
        note: null,
      });
      // The largest parameter (a weight, not a bias) moved alone is a wrong candidate; a bias
      // need not be (a key bias shifts every logit of a query equally, and softmax ignores
      // that shift). Ties go to the later parameter.
      const entries = (m: ParamAxis) => net.params.find((p) => p.name === m.param)!.shape.reduce((x, y) => x * y, 1);
      const alone = moves.reduce((best, m) => (entries(m) >= entries(best) ? m : best));
      out.controls.push({ id: `control_${id}`, of: id, description: `${alone.param}:${alone.axis} permuted alone`, claim: claim(net, `control_${id}`, "refuted", `permute axis ${alone.axis} of ${net.name}.${alone.param} by ${transposition}`) });
    });
  }
  // Name at most four member axes of a fixed class; the reason is shared by all of them.
  for (const f of fixed.values()) out.notClaimed.push({ where: f.where.join(", ") + (f.where.length === 4 ? ", ..." : ""), reason: f.reason });
}

/** Which per-unit actions an activation allows (no activation: the tensor is linear in its producers). */
function unitActions(act: Activation | null): { scale: boolean; flip: boolean; sigmoid: boolean } {
  if (act === null) return { scale: true, flip: true, sigmoid: false };
  return { scale: act.properties.includes("positively_homogeneous"), flip: act.properties.includes("odd"), sigmoid: act.builtin === "sigmoid" };
}

/** Per-unit scaling and sign flips of every hidden tensor axis whose units are reparameterisable. */
function unitSymmetries(net: Network, out: Derivation & { candidates: Candidate[]; controls: Control[]; notClaimed: NotClaimed[] }): void {
  for (const def of net.nodes) {
    const act = def.expr.k === "act" ? def.expr.act : null;
    def.shape.forEach((n, axis) => {
      const where = whereText(def, axis);
      const allowed = unitActions(act);
      const c = axisClass(net, def.name, axis);
      if ("reason" in c) return;
      const units = tensorUnits(net, def.name, axis);
      if ("reason" in units) {
        // Only worth saying where the activation would allow an action.
        if (act && (allowed.scale || allowed.flip || allowed.sigmoid)) out.notClaimed.push({ where, reason: `per-unit ${act.name} actions: ${units.reason}` });
        return;
      }
      if (act && !allowed.scale && !allowed.flip && !allowed.sigmoid) {
        out.notClaimed.push({ where, reason: `per-unit actions: ${act.name} is neither positively homogeneous nor odd (nor the sigmoid), so no scaling or sign flip is claimed` });
        return;
      }
      const moves = [...units.producers, ...units.consumers].sort(byDeclaration(net));
      const base = `${slug(def.name)}_${axis}`;
      const actName = act ? act.name : "no activation";
      if (allowed.scale) scaling(net, def, axis, n, moves, act, actName, base, out);
      if (allowed.flip) flips(net, def, axis, n, moves, act, actName, base, out);
      if (allowed.sigmoid) sigmoidFlips(net, def, axis, n, units, moves, base, out);
    });
  }
}

function scaling(net: Network, def: TensorDef, axis: number, n: number, moves: ParamAxis[], act: Activation | null, actName: string, base: string, out: { candidates: Candidate[]; controls: Control[] }): void {
  const id = `scale_${base}`;
  const decl = `symmetry derived_${id}(c[${n}] > 0) = scale ${unitRef(net, def, axis)} by c`;
  out.candidates.push({
    id,
    kind: "scaling",
    title: `scale ${whereText(def, axis)}`,
    where: whereText(def, axis),
    moves,
    group: `(R_>0)^${n}`,
    size: n,
    order: null,
    log10Order: null,
    dimension: n,
    claims: [claim(net, `derived_${id}`, "proved", `derived_${id}`, [decl])],
    note: act ? null : "no activation: the tensor is linear in its producers",
  });
  // A negative factor is not a symmetry unless the activation is also odd.
  if (act && !act.properties.includes("odd")) {
    out.controls.push({ id: `control_${id}`, of: id, description: `${whereText(def, axis)} unit 0 scaled by -1 through ${actName}`, claim: claim(net, `control_${id}`, "refuted", `scale ${unitRef(net, def, axis, "0")} by -1`) });
  }
}

function flips(net: Network, def: TensorDef, axis: number, n: number, moves: ParamAxis[], act: Activation | null, actName: string, base: string, out: { candidates: Candidate[]; controls: Control[]; notClaimed: NotClaimed[] }): void {
  const id = `flip_${base}`;
  if (n > LIMITS.sweepInstances) {
    out.notClaimed.push({ where: whereText(def, axis), reason: `sign flips: one claim per unit would exceed the sweep limit (${LIMITS.sweepInstances})` });
    return;
  }
  const p = powerOfTwo(n);
  out.candidates.push({
    id,
    kind: "flip",
    title: `flip ${whereText(def, axis)}`,
    where: whereText(def, axis),
    moves,
    group: `{+-1}^${n}`,
    size: n,
    order: orderText(p.exact, p.log10),
    log10Order: p.log10,
    dimension: null,
    claims: [sweep(net, `derived_${id}`, n, (j) => `flip ${unitRef(net, def, axis, j)}`)],
    note: act ? null : "no activation: the tensor is linear in its producers",
  });
  if (act && !act.properties.includes("positively_homogeneous")) {
    out.controls.push({ id: `control_${id}`, of: id, description: `${whereText(def, axis)} unit 0 scaled by 2 through ${actName}`, claim: claim(net, `control_${id}`, "refuted", `scale ${unitRef(net, def, axis, "0")} by 2`) });
  }
}

function sigmoidFlips(net: Network, def: TensorDef, axis: number, n: number, units: TensorUnits, moves: ParamAxis[], base: string, out: { candidates: Candidate[]; controls: Control[]; notClaimed: NotClaimed[] }): void {
  const where = whereText(def, axis);
  if (!units.corrections || units.corrections.length === 0) {
    out.notClaimed.push({ where, reason: "sigmoid flips: a reader of these units is not a dense layer with its own bias to absorb the shift" });
    return;
  }
  if (n > LIMITS.sweepInstances) {
    out.notClaimed.push({ where, reason: `sigmoid flips: one claim per unit would exceed the sweep limit (${LIMITS.sweepInstances})` });
    return;
  }
  const id = `sigmoid_flip_${base}`;
  const biases = units.corrections.map((c) => ({ param: c.bias, axis: 0 }));
  const p = powerOfTwo(n);
  out.candidates.push({
    id,
    kind: "sigmoidFlip",
    title: `flip ${where} with bias correction`,
    where,
    moves: [...moves, ...biases.filter((b) => !moves.some((m) => m.param === b.param))].sort(byDeclaration(net)),
    group: `{+-1}^${n}`,
    size: n,
    order: orderText(p.exact, p.log10),
    log10Order: p.log10,
    dimension: null,
    claims: [sweep(net, `derived_${id}`, n, (j) => `flip ${unitRef(net, def, axis, j)} with bias correction`)],
    note: `sigmoid(-z) = 1 - sigmoid(z): ${units.corrections.map((c) => c.bias).join(", ")} absorb${units.corrections.length === 1 ? "s" : ""} the outgoing column`,
  });
  out.controls.push({ id: `control_${id}`, of: id, description: `${where} unit 0 flipped without the bias correction`, claim: claim(net, `control_${id}`, "refuted", `flip ${unitRef(net, def, axis, "0")}`) });
}

/** `multiply axis a of N.P by M then ...` */
const multiply = (net: Network, sides: readonly { moves: readonly ParamAxis[]; by: string }[]): string =>
  sides.flatMap((s) => s.moves.map((m) => `multiply axis ${m.axis} of ${net.name}.${m.param} by ${s.by}`)).join(" then ");

/** The continuous actions of each attention operation. */
function attention(net: Network, out: { candidates: Candidate[]; controls: Control[]; notClaimed: NotClaimed[] }): void {
  const node = (name: string) => net.nodes.find((d) => d.name === name);
  for (const scores of net.nodes.filter((d) => d.name.endsWith(".scores"))) {
    const a = scores.name.slice(0, -".scores".length);
    const q = node(`${a}.q`);
    const k = node(`${a}.k`);
    const v = node(`${a}.v`);
    if (!q || !k || !v) continue;
    const last = q.shape.length - 1;
    const K = q.shape[last]!;
    const heads = q.shape.slice(0, last - 1).reduce((x, y) => x * y, 1);
    const same = heads > 1 ? "the same matrix in every head (independent per-head matrices are not expressible, so not claimed)" : null;
    const qSide = paramsIndexedBy(q, last);
    const kSide = paramsIndexedBy(k, k.shape.length - 1);
    const rope = node(`${a}.q_rope`) !== undefined;
    const base = slug(a);
    if (rope) {
      const id = `rope_${base}`;
      const half = K / 2;
      const rotate = multiply(net, [{ moves: [...qSide, ...kSide], by: "rotation(t)" }]);
      out.candidates.push({
        id,
        kind: "ropeRotation",
        title: `rotate RoPE planes of ${a}`,
        where: `${a}.q, ${a}.k axis head_dim`,
        moves: [...qSide, ...kSide],
        group: `SO(2)^${half}`,
        size: half,
        order: null,
        log10Order: null,
        dimension: half,
        claims: [claim(net, `derived_${id}`, "proved", `derived_${id}`, [`symmetry derived_${id}(t[${half}]) = ${rotate}`])],
        note: [`the same rotation of each plane (m, m + ${half}) on queries and keys, every angle but the half-turn`, same].filter(Boolean).join("; "),
      });
      out.controls.push({ id: `control_${id}`, of: id, description: `${a}: keys rotated, queries not`, claim: claim(net, `control_${id}`, "refuted", `control_${id}`, [`symmetry control_${id}(t[${half}]) = ${multiply(net, [{ moves: kSide, by: "rotation(t)" }])}`]) });
      out.notClaimed.push({ where: `${a}.q, ${a}.k axis head_dim`, reason: "query/key action W_Q A, W_K A^-T: RoPE commutes only with its plane rotations, so only those are claimed" });
    } else {
      const id = `qk_${base}`;
      out.candidates.push({
        id,
        kind: "queryKey",
        title: `W_Q A, W_K A^-T of ${a}`,
        where: `${a}.q, ${a}.k axis head_dim`,
        moves: [...qSide, ...kSide],
        group: `GL(${K})`,
        size: K,
        order: null,
        log10Order: null,
        dimension: K * K,
        claims: [claim(net, `derived_${id}`, "proved", `derived_${id}`, [`symmetry derived_${id}(M[${K}, ${K}] invertible) = ${multiply(net, [{ moves: qSide, by: "M" }, { moves: kSide, by: "transpose(inverse(M))" }])}`])],
        note: same,
      });
      if (K > 1) out.controls.push({ id: `control_${id}`, of: id, description: `${a}: keys multiplied by A^-1 instead of A^-T`, claim: claim(net, `control_${id}`, "refuted", `control_${id}`, [`symmetry control_${id}(M[${K}, ${K}] invertible) = ${multiply(net, [{ moves: qSide, by: "M" }, { moves: kSide, by: "inverse(M)" }])}`]) });
    }
    const vLast = v.shape.length - 1;
    const vc = axisClass(net, v.name, vLast);
    if ("reason" in vc) {
      out.notClaimed.push({ where: `${a}.v axis head_dim`, reason: `value/output action: ${vc.reason}` });
      continue;
    }
    const vSide = paramsIndexedBy(v, vLast);
    const oSide = vc.params.map((p) => ({ param: p.name, axis: p.axis })).filter((p) => !vSide.some((s) => s.param === p.param && s.axis === p.axis));
    const id = `vo_${base}`;
    out.candidates.push({
      id,
      kind: "valueOutput",
      title: `W_V B, B^-1 W_O of ${a}`,
      where: `${a}.v axis head_dim`,
      moves: [...vSide, ...oSide],
      group: `GL(${K})`,
      size: K,
      order: null,
      log10Order: null,
      dimension: K * K,
      claims: [claim(net, `derived_${id}`, "proved", `derived_${id}`, [`symmetry derived_${id}(M[${K}, ${K}] invertible) = ${multiply(net, [{ moves: vSide, by: "M" }, { moves: oSide, by: "transpose(inverse(M))" }])}`])],
      note: same,
    });
    if (K > 1) out.controls.push({ id: `control_${id}`, of: id, description: `${a}: output map multiplied by B^-1 untransposed`, claim: claim(net, `control_${id}`, "refuted", `control_${id}`, [`symmetry control_${id}(M[${K}, ${K}] invertible) = ${multiply(net, [{ moves: vSide, by: "M" }, { moves: oSide, by: "inverse(M)" }])}`]) });
  }
}

/**
 * The candidate generators of `net`, their negative controls, and what no rule covers.
 *
 * @example derive(mlp(3 -> 4 -> 2, relu)).candidates.map((c) => c.group) // ["S_4", "(R_>0)^4"]
 */
export function derive(net: Network): Derivation {
  const out = { network: net.name, candidates: [] as Candidate[], controls: [] as Control[], notClaimed: [] as NotClaimed[] };
  permutations(net, out);
  unitSymmetries(net, out);
  attention(net, out);
  return out;
}

