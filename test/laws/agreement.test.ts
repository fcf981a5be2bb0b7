/**
 * The symbolic and the numeric side agree: for a standard symmetry (permutation, positive
 * or negative scaling, sign flip with or without bias correction) applied to a random
 * MLP, the solver proves the claim exactly when the covering library's numeric version of
 * the same operation preserves f on random parameters and inputs, and refutes it exactly
 * when it does not. Negative control: a numeric side that ignores the operation (so always
 * "preserves") must disagree with the solver.
 */
import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { checkWith } from "../../src/check.ts";
import { builtin } from "../../src/elaborate/activations.ts";
import { flipUnit } from "../../src/covering/flipUnit.ts";
import { mlpFunction } from "../../src/covering/mlpFunction.ts";
import { permuteUnits } from "../../src/covering/permuteUnits.ts";
import { scaleUnit } from "../../src/covering/scaleUnit.ts";
import { paramCount } from "../../src/covering/paramCount.ts";
import { float64 } from "../../src/numeric/field.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { resolveOptions } from "../../src/options.ts";
import { Session } from "../../src/session.ts";
import { ACTIVATIONS, widthsArb, type Act } from "./cases.ts";
import { lawAsync, negativeControlAsync } from "./law.ts";

type Op =
  | { readonly k: "permute"; readonly layer: number; readonly perm: readonly number[] }
  | { readonly k: "scale"; readonly layer: number; readonly unit: number; readonly factor: number }
  | { readonly k: "flip"; readonly layer: number; readonly unit: number; readonly correction: boolean };

interface Sample {
  readonly widths: readonly number[];
  readonly act: Act;
  readonly op: Op;
}

const sampleArb: fc.Arbitrary<Sample> = fc.tuple(widthsArb, fc.constantFrom(...ACTIVATIONS)).chain(([widths, act]) => {
  const L = widths.length - 2;
  const unit = fc.integer({ min: 1, max: L }).chain((layer) => fc.integer({ min: 0, max: widths[layer]! - 1 }).map((u) => ({ layer, unit: u })));
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.integer({ min: 1, max: L }).chain((layer) => fc.uniqueArray(fc.integer({ min: 0, max: widths[layer]! - 1 }), { minLength: widths[layer]!, maxLength: widths[layer]! }).map((perm): Op => ({ k: "permute", layer, perm }))),
    fc.tuple(unit, fc.constantFrom(2, 1 / 2, -2, -1)).map(([u, factor]): Op => ({ k: "scale", ...u, factor })),
    fc.tuple(unit, fc.boolean()).map(([u, correction]): Op => ({ k: "flip", ...u, correction })),
  );
  return op.map((o) => ({ widths, act, op: o }));
});

const factorText = (x: number) => Rational.fromNumber(x).toString();

function claim(s: Sample): string {
  const o = s.op;
  const t = o.k === "permute" ? `permute N.h${o.layer} by [${o.perm.join(", ")}]` : o.k === "scale" ? `scale N.h${o.layer}[${o.unit}] by ${factorText(o.factor)}` : `flip N.h${o.layer}[${o.unit}]${o.correction ? " with bias correction" : ""}`;
  return `network N = mlp(${s.widths.join(" -> ")}, ${s.act})\ntheorem t: N ~ N after ${t}\n`;
}

/** The covering library's numeric check: does the operation preserve f on random draws? */
function preservesNumerically(s: Sample, ignoreOp = false): boolean {
  const f = mlpFunction(s.widths, builtin(s.act === "leaky_relu(1/10)" ? "leaky_relu" : s.act, s.act === "leaky_relu(1/10)" ? Rational.of(1, 10) : null));
  const rng = new Rng(11);
  for (let trial = 0; trial < 8; trial++) {
    const theta = Array.from({ length: paramCount(s.widths) }, () => rng.int(-8, 8) / 4 + rng.next() / 8);
    const o = s.op;
    const moved = ignoreOp ? theta : o.k === "permute" ? permuteUnits(s.widths, theta, o.layer, o.perm) : o.k === "scale" ? scaleUnit(float64, s.widths, theta, o.layer, o.unit, o.factor) : flipUnit(float64, s.widths, theta, o.layer, o.unit, o.correction);
    const x = Array.from({ length: s.widths[0]! }, () => rng.int(-8, 8) / 4);
    const a = f.float(theta, x);
    const b = f.float(moved, x);
    if (a.some((v, k) => Math.abs(v - b[k]!) > 1e-9 * (1 + Math.abs(v)))) return false;
  }
  return true;
}

const session = new Session(resolveOptions({ timeout: 20, jobs: 2, cache: false }).options);
afterAll(() => session.close());

const solverVerdict = async (s: Sample): Promise<string> => (await checkWith(session, [{ path: "agree.neq", text: claim(s) }])).files[0]!.claims[0]!.verdict;

const agrees = (ignoreOp: boolean) => async (s: Sample): Promise<boolean> => {
  const v = await solverVerdict(s);
  const numeric = preservesNumerically(s, ignoreOp);
  return (v === "proved" && numeric) || (v === "refuted" && !numeric);
};

describe("solver and numbers agree on the standard symmetries", () => {
  it("agreement law", async () => {
    await lawAsync("solver verdict agrees with the numeric check", sampleArb, agrees(false), { numRuns: 60 });
  }, 300_000);

  it("negative control: a numeric check that ignores the operation disagrees", async () => {
    await negativeControlAsync("numeric check ignoring the operation", sampleArb, agrees(true), { numRuns: 60 });
  }, 300_000);
});
