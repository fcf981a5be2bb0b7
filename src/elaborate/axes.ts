/**
 * Which parameter axes move when an axis of a hidden tensor is permuted, found from the
 * index structure of the definitions.
 *
 * Axes are tied when one index variable indexes both: the free variable o of
 * `h[o, i] = relu(sum_c K[o, c] x[c, i] + b[o])` ties axis 0 of h, K and b; a summation
 * variable c ties axis 1 of K with axis 0 of x; a residual sum `s[o] = t[o] + h[o]` ties
 * s, t and h. The classes of this relation (union-find over tensor axes) are what a
 * permutation must move together: permuting one axis of a class permutes every parameter
 * axis in it, which is the same reparameterisation for convolutions (weights shared across
 * positions and taps move by construction), normalisations (statistics and affine
 * parameters move with their channel), attention heads and residual streams.
 *
 * A class cannot be permuted (and the reason says why, in the user's words) when it
 * contains the network's input or output, or an axis read with an offset, a stride, a
 * reshape, a constant index or inside a condition (positions of a convolution, RoPE's
 * pairing, a causal mask, a concatenation): a permutation does not commute with those.
 */
import { InternalError } from "../diagnostics/diagnostic.ts";
import { plainVar } from "./iexpr.ts";
import type { Affine, AxisRef, IExpr, Network } from "./types.ts";

/** What moves when a class is permuted. */
export interface AxisClass {
  readonly size: number;
  /** Hidden tensors' axes in the class (what the permutation means for the function). */
  readonly nodes: readonly AxisRef[];
  /** Parameter axes in the class (what the permutation changes). */
  readonly params: readonly AxisRef[];
}

type Net = Network;

const keyOf = (r: AxisRef) => `${r.kind}:${r.name}#${r.axis}`;

/** Union-find over tensor axes and bound variables, with the reasons an axis cannot move. */
class Ties {
  private readonly parent = new Map<string, string>();
  readonly refs = new Map<string, AxisRef>();
  /** Why a member cannot be permuted (first reason seen). */
  readonly pinned = new Map<string, string>();

  find(k: string): string {
    if (!this.parent.has(k)) this.parent.set(k, k);
    let r = k;
    while (this.parent.get(r) !== r) r = this.parent.get(r)!;
    let x = k;
    while (this.parent.get(x) !== r) {
      const next = this.parent.get(x)!;
      this.parent.set(x, r);
      x = next;
    }
    return r;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }

  pin(k: string, why: string): void {
    this.find(k);
    if (!this.pinned.has(k)) this.pinned.set(k, why);
  }

  members(k: string): string[] {
    const r = this.find(k);
    return [...this.parent.keys()].filter((x) => this.find(x) === r);
  }
}

/** Tie the axes of `net` (memoised per network object). */
const memo = new WeakMap<object, Ties>();

function ties(net: Net): Ties {
  const hit = memo.get(net);
  if (hit) return hit;
  const t = new Ties();
  const ref = (r: AxisRef) => {
    const k = keyOf(r);
    t.refs.set(k, r);
    t.find(k);
    return k;
  };
  const kindOf = (src: string): AxisRef["kind"] => (src === "param" ? "param" : src === "input" ? "input" : "node");
  const defs = [...net.nodes.map((d) => ({ d, kind: "node" as const })), { d: net.output, kind: "output" as const }];
  net.input.shape.forEach((_, a) => ref({ kind: "input", name: net.input.name, axis: a }));
  for (const { d, kind } of defs) {
    const scope = new Map<string, string>(d.vars.map((v, a) => [v, ref({ kind, name: d.name, axis: a })]));
    const varKey = (v: string): string => {
      const k = scope.get(v);
      if (!k) throw new InternalError(`unbound index variable ${v} in ${d.name}`);
      return k;
    };
    const pinVars = (a: Affine, why: string) => a.terms.forEach((x) => t.pin(varKey(x.v), why));
    const visit = (e: IExpr): void => {
      switch (e.k) {
        case "read": {
          e.at.forEach((ix, b) => {
            const k = ref({ kind: kindOf(e.src), name: e.name, axis: b });
            const v = plainVar(ix);
            if (v !== null) t.union(k, varKey(v));
            else {
              const what = ix.terms.length === 0 ? `a constant index of ${e.name}` : ix.div !== undefined || ix.mod !== undefined ? `a reshape of ${e.name}` : `an offset or stride into ${e.name}`;
              t.pin(k, `${what} (in the definition of ${d.name})`);
              pinVars(ix, `${what} (in the definition of ${d.name})`);
            }
          });
          return;
        }
        case "sum":
        case "max": {
          const before = scope.get(e.v);
          scope.set(e.v, `bound:${d.name}:${e.v}`);
          t.find(`bound:${d.name}:${e.v}`);
          visit(e.body);
          if (before === undefined) scope.delete(e.v);
          else scope.set(e.v, before);
          return;
        }
        case "guard":
          pinVars(e.lhs, `a condition on indices (in the definition of ${d.name})`);
          pinVars(e.rhs, `a condition on indices (in the definition of ${d.name})`);
          visit(e.body);
          return;
        case "add":
        case "mul":
          e.args.forEach(visit);
          return;
        case "neg":
        case "act":
          visit(e.a);
          return;
        case "div":
          visit(e.a);
          visit(e.b);
          return;
        case "const":
          return;
      }
    };
    visit(d.expr);
  }
  memo.set(net, t);
  return t;
}

const describe = (r: AxisRef, net: Net): string => (r.kind === "output" ? `the output of ${net.name}` : r.kind === "input" ? `the input ${r.name}` : `${r.name}`);

/**
 * The class of axis `axis` of hidden tensor `node`, or why it cannot be permuted.
 *
 * @example axisClass(mlp, "h1", 0) // { size: 4, nodes: [h1#0], params: [W0#0, b0#0, W1#1] }
 */
export function axisClass(net: Net, node: string, axis: number): AxisClass | { reason: string } {
  const def = net.nodes.find((n) => n.name === node);
  if (!def) throw new InternalError(`${net.name} has no hidden tensor ${node}`);
  const t = ties(net);
  const members = t.members(keyOf({ kind: "node", name: node, axis }));
  const refs = members.map((k) => t.refs.get(k)).filter((r): r is AxisRef => r !== undefined);
  const fixed = refs.find((r) => r.kind === "input" || r.kind === "output");
  if (fixed) {
    const via = [...new Set(refs.filter((r) => r.kind === "node").map((r) => r.name))];
    return { reason: `axis ${axis} of ${node} is tied to ${describe(fixed, net)}${via.length > 1 ? ` (through ${via.join(", ")})` : ""}, which no reparameterisation can move` };
  }
  const pinned = members.find((k) => t.pinned.has(k));
  if (pinned) return { reason: `axis ${axis} of ${node} meets ${t.pinned.get(pinned)}, which a permutation does not commute with` };
  const size = def.shape[axis]!;
  return { size, nodes: refs.filter((r) => r.kind === "node"), params: refs.filter((r) => r.kind === "param") };
}
