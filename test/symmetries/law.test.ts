/**
 * The law of `neteq symmetries`: on random networks, every derived generator is proved by the
 * checker and every negative control refuted. Its negative control: a derivation whose
 * generators are deliberately broken (one parameter axis moved alone, the bias correction
 * dropped, a factor without its condition) must have none of them reported as proved.
 * Draws come from a printed seed (NETEQ_LAW_SEED overrides it).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { derive } from "../../src/symmetries/derive.ts";
import type { Candidate, Derivation } from "../../src/symmetries/types.ts";
import { lawSeed } from "../laws/law.ts";
import { networkOf, proveText } from "./helpers.ts";

const ACTIVATIONS = ["relu", "tanh", "sigmoid", "lrelu", "identity", "sigma"] as const;
const HEADER = "activation sigma\nactivation lrelu = leaky_relu(1/10)\n";

/** A random mlp with 1 or 2 hidden layers of width 2..4, one activation per hidden layer. */
const mlpOf = (acts: readonly string[]) =>
  fc
    .record({ widths: fc.array(fc.integer({ min: 2, max: 4 }), { minLength: 1, maxLength: 2 }), acts: fc.array(fc.constantFrom(...acts), { minLength: 2, maxLength: 2 }) })
    .map(({ widths, acts }) => `${HEADER}network N = mlp(2 -> ${widths.join(" -> ")} -> 1, [${acts.slice(0, widths.length).join(", ")}])\n`);
const mlpText = mlpOf(ACTIVATIONS);
/** For the negative control: identity is both odd and homogeneous, so c < 0 is no breakage there. */
const mlpBreakable = mlpOf(ACTIVATIONS.filter((a) => a !== "identity"));

/** A random small CNN: two convolutions with bias, one activation each, global pooling. */
const cnnText = fc
  .record({ c1: fc.integer({ min: 2, max: 3 }), c2: fc.integer({ min: 2, max: 3 }), a1: fc.constantFrom(...ACTIVATIONS), a2: fc.constantFrom(...ACTIVATIONS) })
  .map(({ c1, c2, a1, a2 }) => `${HEADER}network N {\n  input x[2, 3, 3]\n  param K1[${c1}, 2, 3, 3], b1[${c1}], K2[${c2}, ${c1}, 3, 3], b2[${c2}], V[2, ${c2}], d[2]\n  h1 = ${a1}(conv2d(x, K1, b1, padding = 1))\n  h2 = ${a2}(conv2d(h1, K2, b2, padding = 1))\n  out V gap(h2) + d\n}\n`);

/** Break a candidate: its claims now state a wrong transformation, as theorems. */
function broken(c: Candidate): Candidate {
  const wrong = (text: string): string => {
    if (c.kind === "permutation") {
      const last = c.moves[c.moves.length - 1]!;
      return text.replace(/after .*$/, `after permute axis ${last.axis} of N.${last.param} by (0 1)`);
    }
    if (c.kind === "sigmoidFlip") return text.replace(" with bias correction", "");
    if (c.kind === "flip") return text.replace(/flip (\S+)\[j\]( axis \S+)?$/, "scale $1[j]$2 by 2");
    return text;
  };
  const declarations = (ds: readonly string[]) => ds.map((d) => d.replace(/\(c\[(\d+)\] > 0\)/, "(c[$1] < 0)"));
  return { ...c, claims: c.claims.map((cl) => ({ ...cl, text: wrong(cl.text), declarations: declarations(cl.declarations) })) };
}

async function drawsOf(arb: fc.Arbitrary<string>, n: number, seed: number): Promise<string[]> {
  return fc.sample(arb, { seed, numRuns: n });
}

describe("law: derived generators are proved, controls refuted", () => {
  const seed = lawSeed();
  for (const [family, arb, runs] of [["mlp", mlpText, 4], ["cnn", cnnText, 3]] as const) {
    it(`${family} (seed ${seed})`, async () => {
      for (const text of await drawsOf(arb, runs, seed)) {
        const d = derive(networkOf(text, "N"));
        const r = await proveText(text, d);
        const bad = [...r.generators.filter((g) => g.verdict !== "proved").map((g) => `${g.title}: ${g.verdict}`), ...r.controls.filter((c) => !c.ok).map((c) => `control ${c.description}: ${c.verdict}`), ...r.problems];
        expect(bad, `seed ${seed}, network:\n${text}`).toEqual([]);
        expect(r.generators.length).toBeGreaterThan(0);
      }
    }, 300_000);
  }

  it(`negative control: broken generators are never reported proved (seed ${seed})`, async () => {
    for (const text of await drawsOf(mlpBreakable, 3, seed)) {
      const d = derive(networkOf(text, "N"));
      const breakable = d.candidates.filter((c) => c.kind !== "scaling" || c.claims[0]!.declarations.length > 0);
      const corrupt: Derivation = { ...d, candidates: breakable.map(broken), controls: [] };
      const r = await proveText(text, corrupt);
      expect(r.generators.length).toBeGreaterThan(0);
      for (const g of r.generators) expect(g.verdict, `${g.title} (seed ${seed}):\n${text}`).not.toBe("proved");
      expect(r.group.factors).toEqual([]);
    }
  }, 300_000);
});
