import { describe, expect, it } from "vitest";
import type { Activation } from "../../src/elaborate/types.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { POOL, fromDefinition, realisations } from "../../src/numeric/realise.ts";
import { meaningOf } from "../../src/elaborate/meaning.ts";
import { violation } from "../../src/verdicts/declared.ts";
import { module } from "../helpers/module.ts";

/** The activation `g` declared by `decl` in a file of its own. */
function act(decl: string, file = "t.neq"): Activation {
  const m = module(`${decl}\nnetwork N = mlp(1 -> 1 -> 1, g)\ntheorem t: N ~ N\n`, file);
  const node = m.claims[0]!.lhs.nodes[0]!.expr;
  if (node.k !== "act") throw new Error("expected an activation node");
  return node.act;
}
const pool = (description: string) => POOL.find((c) => c.description === description)!;
const realise = (description: string, admittedFor?: string) => ({ ...fromDefinition(description, pool(description).definition), ...(admittedFor ? { admittedFor } : {}) });
const args = [Rational.of(5, 4), Rational.of(-3, 2)];

describe("a realisation must satisfy the declaration it stands for", () => {
  it("a pool function admitted for this meaning, with its properties, passes (control)", () => {
    const g = act("activation g { axiom oddness: forall z: g(-z) = -g(z) }");
    expect(violation(g, realise("z/2 + z^3/5", meaningOf(g)), args, new Map())).toBeNull();
  });

  it("a function admitted for another declaration of the same name is refused, whatever its values", () => {
    const g = act("activation g { axiom oddness: forall z: g(-z) = -g(z) }", "a/lemmas.neq");
    const other = act("activation g { axiom reflection: forall z: g(-z) = 1 - g(z) }", "b/lemmas.neq");
    expect(g.key).not.toBe(other.key);
    expect(violation(g, realise("z/2 + z^3/5", meaningOf(other)), args, new Map())).toMatch(/not shown to satisfy/);
  });

  it("a function that breaks an axiom is refused even with the right provenance", () => {
    const g = act("activation g { axiom oddness: forall z: g(-z) = -g(z) }");
    expect(violation(g, realise("1/2 + z/4", meaningOf(g)), args, new Map())).toMatch(/violates the axiom oddness/);
  });

  it("declared properties are checked: an even function is not odd, a polynomial is not homogeneous", () => {
    expect(violation(act("activation g : odd"), realise("|z|"), args, new Map())).toMatch(/not odd/);
    expect(violation(act("activation g : positively_homogeneous"), realise("z/2 + z^3/5"), args, new Map())).toMatch(/not positively homogeneous/);
    expect(violation(act("activation g : positively_homogeneous"), realise("|z|"), args, new Map())).toBeNull();
  });

  it("realisations() offers nothing for an admission recorded under another meaning", () => {
    const g = act("activation g { axiom oddness: forall z: g(-z) = -g(z) }");
    const c = pool("z/2 + z^3/5");
    expect(realisations(g, new Map([[g.key, { meaning: meaningOf(g), candidates: [c] }]]))).toHaveLength(1);
    expect(realisations(g, new Map([[g.key, { meaning: "something else", candidates: [c] }]]))).toHaveLength(0);
  });
});
