/**
 * The skeleton of a network's definitions: every index expression with the sizes left out
 * (sum ranges, shapes, the divisors of reshapes become `#`; offsets of indices show only
 * whether they are 0; constants keep only their sign,
 * and positive constant factors of products are dropped; index variables are renamed in order
 * of appearance). The symbolic rules read only what the
 * skeleton keeps, so two members of a network family with the same skeleton get the same
 * rule chain; a whole-group, every-width claim requires it at every probed size (README,
 * "Whole-group and every-width claims").
 */
import type { Affine, IExpr, Network, TensorDef } from "../elaborate/types.ts";

export function networkSkeleton(net: Network): string {
  const defs: TensorDef[] = [...net.nodes, net.output];
  return [`input ${net.input.name}/${net.input.shape.length}`, ...net.params.map((p) => `param ${p.name}/${p.shape.length}`), ...defs.map(defSkeleton)].join("\n");
}

function defSkeleton(d: TensorDef): string {
  const names = new Map<string, string>();
  const v = (x: string) => {
    let n = names.get(x);
    if (n === undefined) {
      n = `v${names.size}`;
      names.set(x, n);
    }
    return n;
  };
  d.vars.forEach(v);
  // An index's offset shows only whether it is 0 (what makes an index bare): offsets and
  // bounds of concatenation and padding are sizes.
  const aff = (a: Affine) => `${a.terms.map((t) => `${t.k}*${v(t.v)}`).join("+")}${a.c === 0 ? "" : "+c"}${a.div !== undefined ? "/#" : ""}${a.mod !== undefined ? "%#" : ""}`;
  const e = (x: IExpr): string => {
    switch (x.k) {
      case "const":
        return x.v.isZero() ? "0" : x.v.sign() > 0 ? "+c" : "-c";
      case "read":
        return `${x.src}:${x.name}[${x.at.map(aff).join(",")}]`;
      case "add":
        return `(add ${x.args.map(e).join(" ")})`;
      case "mul": {
        // A positive constant factor is invisible to the rules (its factor is 1, and it keeps
        // a product's sign): 1/sqrt(K) is a constant, rsqrt(K) or nothing (K = 1) by size.
        const parts = x.args.map(e).filter((p) => p !== "+c");
        return parts.length === 0 ? "+c" : parts.length === 1 ? parts[0]! : `(mul ${parts.join(" ")})`;
      }
      case "neg":
        return `(neg ${e(x.a)})`;
      case "div":
        return `(div ${e(x.a)} ${e(x.b)})`;
      case "act": {
        const a = e(x.a);
        // A positive function of a constant is a positive constant, as the rules see it.
        if (a === "+c" && ["exp", "rsqrt", "sigmoid", "softplus"].includes(x.act.builtin ?? "")) return "+c";
        return `(${x.act.key} ${a})`;
      }
      case "sum":
      case "max":
        return `(${x.k} ${v(x.v)}:# ${e(x.body)})`;
      case "guard":
        return `(guard ${aff(x.lhs)} ${x.op} ${aff(x.rhs)} ${e(x.body)})`;
    }
  };
  return `${d.name}[${d.vars.map(v).join(",")}] = ${e(d.expr)}`;
}
