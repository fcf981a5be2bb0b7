import { describe, expect, it } from "vitest";
import { canonical } from "../../src/obligations/canonical.ts";
import type { Obligation } from "../../src/obligations/types.ts";
import { add, cmp, freeSym, mul, not, num } from "../../src/semantics/build.ts";
import { noSpan } from "../../src/diagnostics/span.ts";
import { Rational } from "../../src/numeric/rational.ts";
import type { Term } from "../../src/semantics/types.ts";

const ob = (goal: ReturnType<typeof not>, tracked: Obligation["tracked"] = []): Obligation => ({ id: "x", claim: "c", strategy: "compositional", origin: noSpan(), statement: "", tracked, goal, values: [] });
const v = freeSym;
const lin = (w: Term, z: Term, b: Term) => add(mul(w, z), b);

describe("canonical forms", () => {
  it("are equal up to a consistent renaming of symbols", () => {
    const a = ob(not(cmp("=", lin(v("w1"), v("z1"), v("b")), lin(v("w1"), v("z1"), v("b")))));
    const b = ob(not(cmp("=", lin(v("p"), v("q"), v("r")), lin(v("p"), v("q"), v("r")))));
    expect(canonical(a).hash).toBe(canonical(b).hash);
  });
  it("differ when the renaming would not be consistent", () => {
    const a = ob(not(cmp("=", lin(v("w"), v("z"), v("b")), lin(v("w"), v("z"), v("b")))));
    const b = ob(not(cmp("=", lin(v("w"), v("z"), v("b")), lin(v("w"), v("b"), v("z")))));
    expect(canonical(a).hash).not.toBe(canonical(b).hash);
  });
  it("differ in constants and in tracked assumptions", () => {
    const g = not(cmp("=", v("a"), v("b")));
    expect(canonical(ob(g)).hash).not.toBe(canonical(ob(not(cmp("=", v("a"), add(v("b"), num(Rational.ONE)))))).hash);
    expect(canonical(ob(g)).hash).not.toBe(canonical(ob(g, [{ name: "a0", label: "x", formula: cmp(">", v("a"), num(Rational.ZERO)) }])).hash);
  });
  it("say which subterm a shared reference stands for: (+ A B A) is not (+ A B B)", () => {
    const k = (x: Term): Term => ({ t: "app", act: { key: "k", name: "k", kind: "uninterpreted", builtin: null, param: "z", definition: null, properties: [], axioms: [], span: noSpan() }, arg: x });
    const sides = () => {
      const A = k(mul(v("a"), v("x")));
      const B = k(add(mul(v("b"), v("x")), v("c")));
      return { A, B };
    };
    const p = sides();
    const q = sides();
    const first = ob(not(cmp("=", add(p.A, p.B, p.A), add(q.A, q.B, q.A))));
    const second = ob(not(cmp("=", add(p.A, p.B, p.B), add(q.A, q.B, q.A))));
    expect(canonical(first).hash).not.toBe(canonical(second).hash);
  });

  it("ignore the labels of tracked assumptions", () => {
    const g = not(cmp("=", v("a"), v("b")));
    const t = (label: string) => [{ name: "a0", label, formula: cmp(">", v("a"), num(Rational.ZERO)) }];
    expect(canonical(ob(g, t("c > 0"))).hash).toBe(canonical(ob(g, t("d > 0"))).hash);
  });
});
