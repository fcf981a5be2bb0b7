/**
 * Units of a hidden tensor that can be rescaled or sign-flipped: the generalisation of an
 * MLP unit (its incoming row and bias, its outgoing column) to any axis of any tensor.
 *
 * For `h[o, ...] = act(pre)` and axis o:
 * - producers: every additive term of `pre` is multilinear in exactly one parameter read
 *   indexed (plainly) by o -- a row of W, a filter of K, an entry of a bias -- and reads
 *   nothing else that depends on o; scaling that slice by c scales the term by c;
 * - consumers: every read of h elsewhere indexes axis o with a summation variable j and sits
 *   in a product with exactly one parameter read indexed by j (outside any activation), so
 *   dividing that parameter's slice j by c undoes the factor.
 * Anything else (h read directly by a residual sum, by a pooling, inside an activation) ties
 * the units to that reader, and the reason says so.
 *
 * `corrections` (for `flip ... with bias correction`) exist when every consumer is dense:
 * y[r] = sum_j P[r, j] h[j] + b[r]; flipping h_j -> 1 - h_j and P[:, j] -> -P[:, j] changes
 * y[r] by -P[r, j], which b[r] absorbs.
 */
import { InternalError } from "../diagnostics/diagnostic.ts";
import { plainVar, reads } from "./iexpr.ts";
import type { IExpr, Network, TensorDef, TensorUnits } from "./types.ts";

type Net = Network;

/** How often each parameter is read in the network. */
function paramUses(net: Net): Map<string, number> {
  const uses = new Map<string, number>();
  for (const d of [...net.nodes, net.output]) for (const r of reads(d.expr)) if (r.src === "param") uses.set(r.name, (uses.get(r.name) ?? 0) + 1);
  return uses;
}

/** Additive terms of e, with their signs. */
function terms(e: IExpr, sign: 1 | -1 = 1, out: { e: IExpr; sign: 1 | -1 }[] = []): { e: IExpr; sign: 1 | -1 }[] {
  if (e.k === "add") e.args.forEach((a) => terms(a, sign, out));
  else if (e.k === "neg") terms(e.a, (-sign) as 1 | -1, out);
  else out.push({ e, sign });
  return out;
}

/** Whether `v` occurs in e (free or not) under an activation, or in a divisor. */
function nonlinearIn(e: IExpr, v: string): boolean {
  const mentions = (x: IExpr) => reads(x).some((r) => r.at.some((a) => a.terms.some((t) => t.v === v)));
  switch (e.k) {
    case "act":
      return mentions(e.a);
    case "div":
      return mentions(e.b) || nonlinearIn(e.a, v);
    case "max":
      return mentions(e.body);
    case "add":
    case "mul":
      return e.args.some((a) => nonlinearIn(a, v));
    case "neg":
      return nonlinearIn(e.a, v);
    case "sum":
    case "guard":
      return nonlinearIn(e.body, v);
    default:
      return false;
  }
}

/** The units of axis `axis` of hidden tensor `node`, or the reason they cannot be reparameterised. */
export function tensorUnits(net: Net, node: string, axis: number): TensorUnits | { reason: string } {
  const def = net.nodes.find((n) => n.name === node);
  if (!def) throw new InternalError(`${net.name} has no hidden tensor ${node}`);
  const o = def.vars[axis]!;
  const activation = def.expr.k === "act" ? def.expr.act : null;
  const pre = def.expr.k === "act" ? def.expr.a : def.expr;
  const producers: { param: string; axis: number }[] = [];
  for (const t of terms(pre)) {
    const rs = reads(t.e);
    const own = rs.filter((r) => r.src === "param" && r.at.some((a) => plainVar(a) === o));
    const tied = rs.filter((r) => r.src !== "param" && r.at.some((a) => a.terms.some((x) => x.v === o)));
    if (tied.length > 0) return { reason: `${node} adds ${tied[0]!.name} along this axis directly, so its units are tied to it; only parameters can be reparameterised (use explicit assignments)` };
    if (own.length !== 1 || nonlinearIn(t.e, o) || rs.some((r) => r.src === "param" && r !== own[0] && r.at.some((a) => a.terms.some((x) => x.v === o)))) {
      return { reason: `a term of ${node}'s definition is not linear in one parameter indexed by this axis, so scaling a unit's parameters would not scale the unit` };
    }
    const r = own[0]!;
    const pos = r.at.findIndex((a) => plainVar(a) === o);
    if (!producers.some((p) => p.param === r.name && p.axis === pos)) producers.push({ param: r.name, axis: pos });
  }
  const uses = paramUses(net);
  for (const p of producers) if ((uses.get(p.param) ?? 0) > 1) return { reason: `${p.param} is used in more than one place, so its entries cannot move with the units of ${node} alone` };
  const consumers: { param: string; axis: number }[] = [];
  const corrections: { matrix: string; bias: string; sign: 1 | -1 }[] = [];
  let correctable = true;
  for (const d of [...net.nodes, net.output]) {
    if (d === def) continue;
    const found = consumersIn(d, node, axis, uses);
    if ("reason" in found) return { reason: found.reason };
    consumers.push(...found.consumers.filter((c) => !consumers.some((x) => x.param === c.param && x.axis === c.axis)));
    // Every consumer must be dense with a bias to absorb a flip's shift.
    if (found.corrections.length < found.consumers.length) correctable = false;
    corrections.push(...found.corrections);
  }
  for (const c of consumers) if ((uses.get(c.param) ?? 0) > 1) return { reason: `${c.param} is used in more than one place, so its entries cannot move with the units of ${node} alone` };
  if (corrections.some((c) => (uses.get(c.bias) ?? 0) > 1)) correctable = false;
  return { node, axis, size: def.shape[axis]!, producers, consumers, corrections: correctable ? corrections : null, activation };
}

/** The consumers of h's axis in definition d (and a dense bias correction, if d is dense). */
function consumersIn(d: TensorDef, node: string, axis: number, uses: ReadonlyMap<string, number>): { consumers: { param: string; axis: number }[]; corrections: { matrix: string; bias: string; sign: 1 | -1 }[] } | { reason: string } {
  const out: { param: string; axis: number }[] = [];
  const corrections: { matrix: string; bias: string; sign: 1 | -1 }[] = [];
  const where = d.name;
  // A reader of the form act(pre) is linear in h when pre is: rescaling h is undone in pre.
  const top = terms(d.expr.k === "act" ? d.expr.a : d.expr);
  for (const t of top) {
    const rs = reads(t.e).filter((r) => r.src === "node" && r.name === node);
    if (rs.length === 0) continue;
    for (const r of rs) {
      const j = plainVar(r.at[axis]!);
      if (j === null || d.vars.includes(j)) return { reason: `${node} is read directly in the definition of ${where} (not through a parameter), so permuting or rescaling its units would change that reader` };
      if (nonlinearIn(t.e, j)) return { reason: `${node} is read inside a nonlinear function in the definition of ${where}` };
      const partners = reads(t.e).filter((x) => x !== r && x.at.some((a) => plainVar(a) === j));
      const params = partners.filter((x) => x.src === "param");
      if (params.length !== 1 || partners.length !== 1) return { reason: `${node} is read in the definition of ${where} in a product that is not one parameter times ${node}` };
      const p = params[0]!;
      const pos = p.at.findIndex((a) => plainVar(a) === j);
      out.push({ param: p.name, axis: pos });
      // Dense: y[r] = sum_j P[r, j] h[j] + b[r] with b a bias read only here.
      const bias = top.find((x) => x.e.k === "read" && x.e.src === "param" && x.e.at.length === 1 && plainVar(x.e.at[0]!) === d.vars[0]);
      const dense = d.vars.length === 1 && p.at.length === 2 && pos === 1 && plainVar(p.at[0]!) === d.vars[0] && r.at.length === 1;
      if (dense && bias && bias.e.k === "read" && (uses.get(bias.e.name) ?? 0) === 1) corrections.push({ matrix: p.name, bias: bias.e.name, sign: (t.sign * bias.sign) as 1 | -1 });
    }
  }
  return { consumers: out, corrections };
}
