/**
 * Canonical forms with normalised scales and signs. MLPs: align's canonicaliser agrees with
 * the covering library's reference (scaleCanonicalise, exact rationals) on random MLPs, and
 * is invariant on orbits (random permutations with positive rational scales, or flips for
 * tanh), idempotent. Tensor networks (a ReLU and a tanh CNN): the same laws with per-channel
 * scalings and flips. Negative controls: a negative scale on a ReLU unit, a changed entry.
 * CLI: canonicalise -> JSON -> align certifies; A and its planted image B canonicalise to the
 * same bytes; safetensors is refused when the form holds non-floats (no file written), and
 * --keep-scales writes it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { applyMlpExact, applyTensorExact } from "../../src/align/applyExact.ts";
import { canonicalGroupElement } from "../../src/align/canonicalise.ts";
import { canonicalTensor } from "../../src/align/canonicaliseTensor.ts";
import { permutationClasses } from "../../src/align/classes.ts";
import { ExactValues } from "../../src/align/exact.ts";
import type { UnitAction } from "../../src/align/types.ts";
import { classScalings } from "../../src/align/unitScales.ts";
import { flipUnit } from "../../src/covering/flipUnit.ts";
import { applyPermutations } from "../../src/covering/permuteUnits.ts";
import { scaleCanonicalise } from "../../src/covering/scaleCanonicalise.ts";
import { scaleUnit } from "../../src/covering/scaleUnit.ts";
import { exact } from "../../src/numeric/field.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { encodeSafetensors } from "../../src/weights/safetensors.ts";
import { mlpSafetensors, randomMlp, writePlanted } from "../weights/fixtures/planted.ts";
import { networkOf, randomParams, randomPerm } from "../weights/fixtures/plantedTensor.ts";
import { runCli } from "../weights/runCli.ts";

/** The exact image, or the test fails with its problem. */
const params = (r: ReturnType<typeof applyTensorExact>) => {
  if ("problem" in r) throw new Error(r.problem);
  return r.params;
};

type Exact = Map<string, Rational[]>;
const values = (p: Exact) => new Map([...p].map(([name, v]) => [name, new ExactValues({ name, shape: [v.length], dtype: "decimal", values: Float64Array.from(v, (x) => x.toNumber()), exact: v })]));
const toExact = (p: ReadonlyMap<string, Float64Array>): Exact => new Map([...p].map(([k, v]) => [k, Array.from(v, (x) => Rational.fromNumber(x))]));
const equal = (P: Exact, Q: Exact) => [...P].every(([k, v]) => v.every((y, i) => y.eq(Q.get(k)![i]!)));
const positive = (rng: Rng) => Rational.of(rng.int(1, 9), rng.int(1, 9));
const sign = (rng: Rng) => Rational.of(rng.int(0, 1) ? 1 : -1);

// ---- MLPs: theta in the covering library's layout (W0, b0, W1, b1, ...). ----
const thetaOf = (widths: readonly number[], p: Exact) => widths.slice(1).flatMap((_, l) => [...p.get(`W${l}`)!, ...p.get(`b${l}`)!]);
function paramsOf(widths: readonly number[], theta: readonly Rational[]): Exact {
  const out: Exact = new Map();
  let at = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const n = widths[l + 1]! * widths[l]!;
    out.set(`W${l}`, theta.slice(at, (at += n)));
    out.set(`b${l}`, theta.slice(at, (at += widths[l + 1]!)));
  }
  return out;
}
/** align's canonical form of A, written exactly (applyMlpExact). */
function alignCanonical(widths: readonly number[], actions: readonly UnitAction[], A: Exact): Exact {
  const c = canonicalGroupElement(widths, actions, values(A));
  const img = applyMlpExact(c.g, values(A));
  return new Map([...img].map(([k, x]) => [k, Array.from({ length: A.get(k)!.length }, (_, i) => x.at(i))]));
}
/** g A planted with the covering library (scaleUnit / flipUnit, then the permutations), independently of align. */
function plantMlp(widths: readonly number[], action: UnitAction, A: Exact, rng: Rng, bad = false): Exact {
  let theta = thetaOf(widths, A);
  const perms = widths.slice(1, -1).map((d) => randomPerm(d, rng));
  widths.slice(1, -1).forEach((d, k) => {
    for (let i = 0; i < d; i++) {
      if (bad && k === 0 && i === 0) theta = scaleUnit(exact, widths, theta, 1, 0, Rational.of(-2));
      else if (action === "scale") theta = scaleUnit(exact, widths, theta, k + 1, i, positive(rng));
      else if (action === "flip" && sign(rng).sign() < 0) theta = flipUnit(exact, widths, theta, k + 1, i, false);
    }
  });
  return paramsOf(widths, applyPermutations(widths, theta, perms));
}

const widthsArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 5 });
const actionArb = fc.constantFrom<UnitAction>("scale", "flip", "none");

describe("canonicalise on MLPs: normalised scales and signs", () => {
  it("agrees with the covering library's scaleCanonicalise (exact rationals)", () => {
    fc.assert(
      fc.property(widthsArb, actionArb, fc.integer({ min: 1, max: 1e6 }), (widths, action, seed) => {
        const A = toExact(randomMlp(widths, new Rng(seed)));
        const actions = widths.slice(1, -1).map(() => action);
        const theirs = scaleCanonicalise(exact, widths, thetaOf(widths, A), actions);
        const ours = thetaOf(widths, alignCanonical(widths, actions, A));
        return ours.every((x, i) => x.eq(theirs[i]!));
      }),
      { numRuns: 60 },
    );
  });
  it("is invariant on orbits and idempotent; a negative ReLU scale and a changed entry change it (negative controls)", () => {
    fc.assert(
      fc.property(widthsArb, actionArb, fc.integer({ min: 1, max: 1e6 }), (widths, action, seed) => {
        const rng = new Rng(seed);
        const A = toExact(randomMlp(widths, rng));
        const actions = widths.slice(1, -1).map(() => action);
        const c = alignCanonical(widths, actions, A);
        const changed = new Map([...A].map(([k, v]) => [k, k === "b0" ? [v[0]!.add(Rational.of(1, 3)), ...v.slice(1)] : v]));
        const invariant = equal(alignCanonical(widths, actions, plantMlp(widths, action, A, rng)), c);
        const idempotent = equal(alignCanonical(widths, actions, c), c);
        const offOrbit = !equal(alignCanonical(widths, actions, plantMlp(widths, action, changed, rng)), c);
        // A negative scale is a symmetry of no activation align scales (for "none" and "flip" it is none either).
        const negative = !equal(alignCanonical(widths, actions, plantMlp(widths, action, A, rng, true)), c);
        return invariant && idempotent && offOrbit && negative;
      }),
      { numRuns: 60 },
    );
  });
  it("with keepScales, only permutations (and flips) are normalised: a rescaled unit gives another form", () => {
    const widths = [3, 4, 2];
    const rng = new Rng(3);
    const A = toExact(randomMlp(widths, rng));
    const B = plantMlp(widths, "scale", A, rng);
    const kept = (P: Exact) => {
      const c = canonicalGroupElement(widths, ["scale"], values(P), true);
      return c.g.layers.every((m) => m.scales.every((x) => x.eq(Rational.ONE)));
    };
    expect(kept(A) && kept(B)).toBe(true);
    expect(equal(alignCanonical(widths, ["scale"], A), alignCanonical(widths, ["scale"], B))).toBe(true);
  });
});

// ---- Tensor networks: per-channel scalings (ReLU) and flips (tanh). ----
const CNN = (act: string, name: string) => `network ${name} {
  input x[2, 5, 5]
  param K1[3, 2, 3, 3], b1[3], K2[4, 3, 3, 3], b2[4], V[2, 4, 5, 5], c[2]
  h1 = ${act}(conv2d(x, K1, b1, padding = 1))
  h2 = ${act}(conv2d(h1, K2, b2, padding = 1))
  out[r] = sum[o, i, j] V[r, o, i, j] * h2[o, i, j] + c[r]
}
`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-canonical-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const CNN_TEXT = CNN("relu", "C") + CNN("tanh", "T");
fs.writeFileSync(path.join(dir, "cnn.neq"), CNN_TEXT);
const nets = (["C", "T"] as const).map((n) => {
  const net = networkOf(path.join(dir, "cnn.neq"), CNN_TEXT, n);
  const { classes } = permutationClasses(net);
  return { name: n, net, classes, scalings: classScalings(net, classes).scalings };
});

/** B = g A for the CNNs above, written out tensor by tensor (independently of align). */
function plantCnn(A: Exact, p1: number[], c1: Rational[], p2: number[], c2: Rational[]): Exact {
  const B: Exact = new Map([...A].map(([k, v]) => [k, v.slice()]));
  for (let o = 0; o < 3; o++) {
    for (let t = 0; t < 18; t++) B.get("K1")![p1[o]! * 18 + t] = A.get("K1")![o * 18 + t]!.mul(c1[o]!);
    B.get("b1")![p1[o]!] = A.get("b1")![o]!.mul(c1[o]!);
  }
  for (let o = 0; o < 4; o++) {
    for (let i = 0; i < 3; i++) for (let t = 0; t < 9; t++) B.get("K2")![(p2[o]! * 3 + p1[i]!) * 9 + t] = A.get("K2")![(o * 3 + i) * 9 + t]!.mul(c2[o]!).div(c1[i]!);
    B.get("b2")![p2[o]!] = A.get("b2")![o]!.mul(c2[o]!);
    for (let r = 0; r < 2; r++) for (let t = 0; t < 25; t++) B.get("V")![(r * 4 + p2[o]!) * 25 + t] = A.get("V")![(r * 4 + o) * 25 + t]!.div(c2[o]!);
  }
  return B;
}
function tensorCanonical(x: (typeof nets)[number], A: Exact): Exact {
  const c = canonicalTensor(x.net, x.classes, x.scalings, values(A));
  const img = params(applyTensorExact(x.net, x.classes, c.g, values(A)));
  return new Map([...img].map(([k, v]) => [k, Array.from({ length: A.get(k)!.length }, (_, i) => v.at(i))]));
}

describe("canonicalise on tensor networks: normalised channel scales and signs", () => {
  it("ReLU CNN: invariant under permutations with positive scales, idempotent; a negative scale and a changed entry change it", () => {
    const x = nets[0]!;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const rng = new Rng(seed);
        const A = toExact(randomParams(x.net, rng));
        const c = tensorCanonical(x, A);
        const g = () => [randomPerm(3, rng), [0, 1, 2].map(() => positive(rng)), randomPerm(4, rng), [0, 1, 2, 3].map(() => positive(rng))] as const;
        const [p1, c1, p2, c2] = g();
        const invariant = equal(tensorCanonical(x, plantCnn(A, p1, c1, p2, c2)), c);
        const idempotent = equal(tensorCanonical(x, c), c);
        const negative = !equal(tensorCanonical(x, plantCnn(A, p1, [Rational.of(-2), ...c1.slice(1)], p2, c2)), c);
        const changed = new Map([...A].map(([k, v]) => [k, k === "V" ? [v[0]!.add(Rational.of(1, 3)), ...v.slice(1)] : v]));
        const offOrbit = !equal(tensorCanonical(x, plantCnn(changed, p1, c1, p2, c2)), c);
        return invariant && idempotent && negative && offOrbit;
      }),
      { numRuns: 20 },
    );
  });
  it("tanh CNN: invariant under permutations with flips, idempotent; a scale by 2 changes it", () => {
    const x = nets[1]!;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const rng = new Rng(seed);
        const A = toExact(randomParams(x.net, rng));
        const c = tensorCanonical(x, A);
        const [p1, c1, p2, c2] = [randomPerm(3, rng), [0, 1, 2].map(() => sign(rng)), randomPerm(4, rng), [0, 1, 2, 3].map(() => sign(rng))];
        const invariant = equal(tensorCanonical(x, plantCnn(A, p1, c1, p2, c2)), c);
        const idempotent = equal(tensorCanonical(x, c), c);
        const negative = !equal(tensorCanonical(x, plantCnn(A, p1, [Rational.of(2), ...c1.slice(1)], p2, c2)), c);
        return invariant && idempotent && negative;
      }),
      { numRuns: 20 },
    );
  });
  it("without normalising (keepScales), a rescaled ReLU CNN gets another form (why normalising comes first)", () => {
    const x = nets[0]!;
    const rng = new Rng(9);
    const A = toExact(randomParams(x.net, rng));
    const B = plantCnn(A, [0, 1, 2], [Rational.of(3), Rational.ONE, Rational.ONE], [0, 1, 2, 3], [1, 1, 1, 1].map(() => Rational.ONE));
    const kept = (P: Exact) => {
      const c = canonicalTensor(x.net, x.classes, x.scalings, values(P), true);
      const img = params(applyTensorExact(x.net, x.classes, c.g, values(P)));
      return new Map([...img].map(([k, v]) => [k, Array.from({ length: P.get(k)!.length }, (_, i) => v.at(i))]));
    };
    expect(equal(kept(A), kept(B))).toBe(false);
    expect(equal(tensorCanonical(x, A), tensorCanonical(x, B))).toBe(true);
  });
});

describe("neteq canonicalise", () => {
  it("writes the exact form as JSON; align certifies it; A and its planted image B give the same bytes", async () => {
    const d = path.join(dir, "mlp");
    writePlanted(d, [3, 4, 5, 2], "relu", 21);
    for (const f of ["A", "B"]) {
      const r = await runCli(["canonicalise", `${f}.safetensors`, "--net", "net.neq:N", "-o", `${f}c.json`], d);
      expect([r.code, r.stderr, r.stdout]).toEqual([0, "", `canonical form written to ${f}c.json (align it with the input to certify it)\n`]);
    }
    expect(fs.readFileSync(path.join(d, "Ac.json"), "utf8")).toBe(fs.readFileSync(path.join(d, "Bc.json"), "utf8"));
    const a = await runCli(["align", "A.safetensors", "Ac.json", "--net", "net.neq:N", "--no-cache"], d);
    expect(a.stdout).toMatch(/verdict: functionally identical for all inputs/);
    expect(a.code).toBe(0);
    // Negative control: the canonical form of another checkpoint is not certified.
    fs.writeFileSync(path.join(d, "other.safetensors"), mlpSafetensors([3, 4, 5, 2], randomMlp([3, 4, 5, 2], new Rng(99))));
    const o = await runCli(["canonicalise", "other.safetensors", "--net", "net.neq:N", "-o", "otherc.json"], d);
    expect(o.code).toBe(0);
    const n = await runCli(["align", "A.safetensors", "otherc.json", "--net", "net.neq:N", "--no-cache"], d);
    expect(n.code).toBe(1);
    expect(n.stdout).not.toMatch(/functionally identical/);
  }, 120_000);
  it("refuses safetensors when an entry is no float, writes nothing, and names the way out; --keep-scales writes it", async () => {
    const d = path.join(dir, "mlp");
    const r = await runCli(["canonicalise", "A.safetensors", "--net", "net.neq:N", "-o", "Ac.safetensors"], d);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^neteq: error CLI001: -o Ac\.safetensors: W0\[\d+, \d+\] of g A is not a float64 .*write it exactly with -o Ac\.json, or keep A's scales with --keep-scales \(canonical under permutations only\)\n$/);
    expect(fs.existsSync(path.join(d, "Ac.safetensors"))).toBe(false);
    const k = await runCli(["canonicalise", "A.safetensors", "--net", "net.neq:N", "-o", "Ak.safetensors", "--keep-scales"], d);
    expect([k.code, k.stdout]).toEqual([0, "canonical form under permutations (scales kept) written to Ak.safetensors (align it with the input to certify it)\n"]);
    const a = await runCli(["align", "A.safetensors", "Ak.safetensors", "--net", "net.neq:N", "--no-cache"], d);
    expect(a.code).toBe(0);
    // A tanh network's canonical form is a signed permutation of floats: safetensors is written.
    const t = path.join(dir, "tanh");
    writePlanted(t, [3, 4, 2], "tanh", 5);
    const tw = await runCli(["canonicalise", "B.safetensors", "--net", "net.neq:N", "-o", "Bc.safetensors"], t);
    expect(tw.code).toBe(0);
    const ta = await runCli(["align", "A.safetensors", "Bc.safetensors", "--net", "net.neq:N", "--no-cache"], t);
    expect(ta.stdout).toMatch(/verdict: functionally identical for all inputs/);
  }, 120_000);
  it("warns where a unit's scale is not determined (all-zero incoming weights and bias), and writes JSON in A's layouts (--map transpose)", async () => {
    const d = path.join(dir, "zero");
    fs.mkdirSync(d);
    const widths = [2, 3, 2];
    const p = randomMlp(widths, new Rng(8));
    p.get("W0")!.fill(0, 2, 4);
    p.get("b0")![1] = 0;
    fs.writeFileSync(path.join(d, "net.neq"), "network N = mlp(2 -> 3 -> 2, relu)\n");
    // W0 stored transposed (JAX layout, (in, out)) under another name.
    const W0 = p.get("W0")!;
    const t = Float64Array.from({ length: 6 }, (_, k) => W0[(k % 3) * 2 + Math.floor(k / 3)]!);
    fs.writeFileSync(path.join(d, "A.safetensors"), encodeSafetensors([{ name: "k", shape: [2, 3], values: t, dtype: "F32" }, ...["b0", "W1", "b1"].map((n) => ({ name: n, shape: n === "W1" ? [2, 3] : [p.get(n)!.length], values: p.get(n)!, dtype: "F32" as const }))]));
    fs.writeFileSync(path.join(d, "map.json"), JSON.stringify({ W0: { tensor: "k", transpose: true } }));
    const r = await runCli(["canonicalise", "A.safetensors", "--net", "net.neq:N", "--map", "map.json", "-o", "Ac.json"], d);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("neteq: warning: h1: the scale or sign of 1 unit(s) is not determined by their incoming weights (all zero, or signs that cancel); they are left as they are, so the form written is not guaranteed canonical there\n");
    const written = JSON.parse(fs.readFileSync(path.join(d, "Ac.json"), "utf8").replace(/"(-?\d+)\/(\d+)"/g, "$1"));
    expect(Object.keys(written)).toEqual(["k", "b0", "W1", "b1"]);
    expect([written.k.length, written.k[0].length]).toEqual([2, 3]);
    const a = await runCli(["align", "A.safetensors", "Ac.json", "--net", "net.neq:N", "--map", "map.json", "--no-cache"], d);
    expect(a.stdout).toMatch(/verdict: functionally identical for all inputs/);
  }, 120_000);
  it("a tensor network's canonical form (ReLU CNN, channels rescaled) is certified by align", async () => {
    const x = nets[0]!;
    const rng = new Rng(4);
    const A = randomParams(x.net, rng);
    const write = (name: string, p: ReadonlyMap<string, Float64Array>) => fs.writeFileSync(path.join(dir, name), encodeSafetensors(x.net.params.map((q) => ({ name: q.name, shape: [...q.shape], values: p.get(q.name)!, dtype: "F32" as const }))));
    write("cA.safetensors", A);
    const r = await runCli(["canonicalise", "cA.safetensors", "--net", "cnn.neq:C", "-o", "cAc.json"], dir);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const a = await runCli(["align", "cA.safetensors", "cAc.json", "--net", "cnn.neq:C", "--no-cache"], dir);
    expect(a.stdout).toMatch(/verdict: functionally identical for all inputs/);
    expect(a.code).toBe(0);
  }, 120_000);
});
