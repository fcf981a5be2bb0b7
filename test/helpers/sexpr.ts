/** Random one-variable definitions over z, for laws about activation definitions. */
import fc from "fast-check";
import { noSpan } from "../../src/diagnostics/span.ts";
import { builtin } from "../../src/elaborate/activations.ts";
import type { Activation, SExpr, SFormula } from "../../src/elaborate/types.ts";
import { Rational } from "../../src/numeric/rational.ts";

export const z: SExpr = { k: "var", name: "z" };
export const k = (p: number, q = 1): SExpr => ({ k: "const", v: Rational.of(p, q) });
export const bin = (op: "add" | "sub" | "mul" | "div" | "max" | "min", a: SExpr, b: SExpr): SExpr => ({ k: op, a, b });
export const ite = (op: "<" | "<=" | ">" | ">=" | "=", a: SExpr, b: SExpr, t: SExpr, e: SExpr): SExpr => ({ k: "ite", cond: { k: "cmp", op, a, b }, then: t, else: e });
export const app = (act: Activation, arg: SExpr): SExpr => ({ k: "app", act, arg });

let serial = 0;
/** A defined activation with this definition over z (a fresh key: the solver sees a new function each time). */
export const defined = (definition: SExpr): Activation => ({ key: `f${serial++}`, name: "f", kind: "defined", builtin: null, param: "z", definition, properties: [], axioms: [], span: noSpan() });
export const relu6 = defined(bin("min", bin("max", z, k(0)), k(6)));
export const tanh = builtin("tanh");

/** Random definitions: most rules' shapes, and shapes outside them (products, offsets, nonzero constants). */
export const expr: fc.Arbitrary<SExpr> = fc.letrec<{ e: SExpr; c: SFormula }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(z),
    fc.oneof(fc.constant(k(0)), fc.integer({ min: -3, max: 3 }).map((n) => k(n)), fc.constant(k(1, 2))),
    fc.tuple(fc.constantFrom("add", "sub", "mul", "max", "min") as fc.Arbitrary<"add" | "sub" | "mul" | "max" | "min">, tie("e"), tie("e")).map(([op, a, b]) => bin(op, a, b)),
    fc.tuple(tie("e"), fc.integer({ min: 1, max: 3 }).chain((n) => fc.constantFrom(n, -n))).map(([a, n]) => bin("div", a, k(n))),
    tie("e").map((a): SExpr => ({ k: "neg", a })),
    fc.tuple(tie("c"), tie("e"), tie("e")).map(([cond, t, e]): SExpr => ({ k: "ite", cond, then: t, else: e })),
    tie("e").map((a) => app(builtin("relu"), a)),
    tie("e").map((a) => app(relu6, a)),
  ),
  c: fc.tuple(fc.constantFrom(">", ">=", "<", "=") as fc.Arbitrary<">" | ">=" | "<" | "=">, tie("e"), tie("e")).map(([op, a, b]): SFormula => ({ k: "cmp", op, a, b })),
})).e;

