/**
 * Per-channel scalings and sign flips on tensor networks: a ReLU CNN with its channels
 * permuted and rescaled by c > 0 (filters and biases times c, the next layer's input channels
 * divided by c), a tanh CNN with channels flipped. Planted images are recovered with their
 * exact rational scales, checked exactly and certified by proved whole-group theorems.
 * Negative controls: a tanh CNN scaled by 2 (tanh is not positively homogeneous), a ReLU CNN
 * whose next layer is not divided back, a network whose channels are blocked by pooling.
 * The planting below is written out per tensor, independently of the code under test.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { permutationClasses } from "../../src/align/classes.ts";
import { ExactValues } from "../../src/align/exact.ts";
import { matchTensorScaled } from "../../src/align/matchTensor.ts";
import { verifyTensor } from "../../src/align/permuteTensor.ts";
import { classScalings } from "../../src/align/unitScales.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { encodeSafetensors } from "../../src/weights/safetensors.ts";
import { networkOf, randomParams, randomPerm } from "../weights/fixtures/plantedTensor.ts";
import { runCli } from "../weights/runCli.ts";

const CNN = `network C {
  input x[2, 5, 5]
  param K1[3, 2, 3, 3], b1[3], K2[4, 3, 3, 3], b2[4], V[2, 4, 5, 5], c[2]
  h1 = relu(conv2d(x, K1, b1, padding = 1))
  h2 = relu(conv2d(h1, K2, b2, padding = 1))
  out[r] = sum[o, i, j] V[r, o, i, j] * h2[o, i, j] + c[r]
}
network T {
  input x[2, 5, 5]
  param K1[3, 2, 3, 3], b1[3], K2[4, 3, 3, 3], b2[4], V[2, 4, 5, 5], c[2]
  h1 = tanh(conv2d(x, K1, b1, padding = 1))
  h2 = tanh(conv2d(h1, K2, b2, padding = 1))
  out[r] = sum[o, i, j] V[r, o, i, j] * h2[o, i, j] + c[r]
}
`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-align-scaled-"));
const FILE = path.join(dir, "cnn.neq");
fs.writeFileSync(FILE, CNN);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const relu = networkOf(FILE, CNN, "C");
const tanh = networkOf(FILE, CNN, "T");

type Exact = Map<string, Rational[]>;
const toExact = (p: ReadonlyMap<string, Float64Array>): Exact => new Map([...p].map(([k, v]) => [k, Array.from(v, (x) => Rational.fromNumber(x))]));
const values = (p: Exact) => new Map([...p].map(([name, v]) => [name, new ExactValues({ name, shape: [v.length], dtype: "decimal", values: Float64Array.from(v, (x) => x.toNumber()), exact: v })]));

interface Planted {
  p1: number[];
  c1: Rational[];
  p2: number[];
  c2: Rational[];
}

/** B = g A for the CNNs above, written out tensor by tensor (`divide: false` leaves K2's input channels and V undivided). */
function plant(A: Exact, g: Planted, divide = true): Exact {
  const B: Exact = new Map([...A].map(([k, v]) => [k, v.slice()]));
  const one = Rational.ONE;
  for (let o = 0; o < 3; o++) {
    for (let t = 0; t < 18; t++) B.get("K1")![g.p1[o]! * 18 + t] = A.get("K1")![o * 18 + t]!.mul(g.c1[o]!);
    B.get("b1")![g.p1[o]!] = A.get("b1")![o]!.mul(g.c1[o]!);
  }
  for (let o = 0; o < 4; o++) {
    for (let i = 0; i < 3; i++) for (let t = 0; t < 9; t++) B.get("K2")![(g.p2[o]! * 3 + g.p1[i]!) * 9 + t] = A.get("K2")![(o * 3 + i) * 9 + t]!.mul(g.c2[o]!).div(divide ? g.c1[i]! : one);
    B.get("b2")![g.p2[o]!] = A.get("b2")![o]!.mul(g.c2[o]!);
    for (let r = 0; r < 2; r++) for (let t = 0; t < 25; t++) B.get("V")![(r * 4 + g.p2[o]!) * 25 + t] = A.get("V")![(r * 4 + o) * 25 + t]!.div(divide ? g.c2[o]! : one);
  }
  return B;
}

const positive = (rng: Rng) => Rational.of(rng.int(1, 9), rng.int(1, 9));
const sign = (rng: Rng) => Rational.of(rng.int(0, 1) ? 1 : -1);

function align(net: typeof relu, A: Exact, B: Exact) {
  const { classes } = permutationClasses(net);
  const { scalings } = classScalings(net, classes);
  const found = matchTensorScaled(net, classes, scalings, values(A), values(B));
  const check = "g" in found ? verifyTensor(net, classes, found.g, values(A), values(B)) : null;
  return { found, check };
}

describe("scalings and flips on tensor networks", () => {
  it("the classes that may rescale or flip are those the checker's `scale` accepts, with the activation's action", () => {
    const kinds = (net: typeof relu) => {
      const { classes } = permutationClasses(net);
      return classScalings(net, classes).scalings.map((s) => s?.kind ?? null);
    };
    expect(kinds(relu)).toEqual(["scale", "scale"]);
    expect(kinds(tanh)).toEqual(["flip", "flip"]);
    // proofs/09: h1 is read by a max pooling, so only h2 rescales; proofs/10: batch norm blocks every class; proofs/11: GELU.
    const file = (f: string, n: string) => networkOf(f, fs.readFileSync(f, "utf8"), n);
    expect(kinds(file("proofs/09_cnn.neq", "C"))).toEqual([null, "scale"]);
    expect(kinds(file("proofs/10_residual_cnn.neq", "RC"))).toEqual([null, null]);
    expect(kinds(file("proofs/11_transformer.neq", "T")).every((k) => k === null)).toBe(true);
  });
  it("recovers planted permutations and rational scales of a ReLU CNN exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const rng = new Rng(seed);
        const A = toExact(randomParams(relu, rng));
        const g = { p1: randomPerm(3, rng), c1: [0, 1, 2].map(() => positive(rng)), p2: randomPerm(4, rng), c2: [0, 1, 2, 3].map(() => positive(rng)) };
        const { found, check } = align(relu, A, plant(A, g));
        if (!("g" in found) || !check) return false;
        const [h1, h2] = found.g.classes as [(typeof found.g.classes)[number], (typeof found.g.classes)[number]];
        const same = (x: readonly Rational[] | undefined, y: readonly Rational[]) => x !== undefined && x.every((v, i) => v.eq(y[i]!));
        return check.mismatches === 0 && h1.perm.join() === g.p1.join() && h2.perm.join() === g.p2.join() && same(h1.scales, g.c1) && same(h2.scales, g.c2) && h1.action === "scale";
      }),
      { numRuns: 25 },
    );
  });
  it("recovers planted sign flips of a tanh CNN", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const rng = new Rng(seed);
        const A = toExact(randomParams(tanh, rng));
        const g = { p1: randomPerm(3, rng), c1: [0, 1, 2].map(() => sign(rng)), p2: randomPerm(4, rng), c2: [0, 1, 2, 3].map(() => sign(rng)) };
        const { found, check } = align(tanh, A, plant(A, g));
        return "g" in found && check?.mismatches === 0 && found.g.classes.every((c, k) => c.action === "flip" && c.scales!.every((s, i) => s.eq((k ? g.c2 : g.c1)[i]!)));
      }),
      { numRuns: 25 },
    );
  });
  it("negative control: a tanh CNN scaled by 2 is not an image", () => {
    const rng = new Rng(5);
    const A = toExact(randomParams(tanh, rng));
    const two = Rational.of(2);
    const { found, check } = align(tanh, A, plant(A, { p1: [0, 1, 2], c1: [two, Rational.ONE, Rational.ONE], p2: [0, 1, 2, 3], c2: [Rational.ONE, Rational.ONE, Rational.ONE, Rational.ONE] }));
    expect("g" in found && check?.mismatches === 0).toBe(false);
  });
  it("negative control: filters rescaled without dividing the next layer are not an image", () => {
    const rng = new Rng(6);
    const A = toExact(randomParams(relu, rng));
    const { found, check } = align(relu, A, plant(A, { p1: [2, 0, 1], c1: [Rational.of(3), Rational.ONE, Rational.ONE], p2: [0, 1, 2, 3], c2: [Rational.ONE, Rational.ONE, Rational.ONE, Rational.ONE] }, false));
    expect("g" in found && check?.mismatches === 0).toBe(false);
  });
});

describe("the certificate for scaled and flipped channels", () => {
  const rng = new Rng(11);
  const floats = randomParams(relu, rng);
  const A = toExact(floats);
  // Powers of two keep every value a float64, so the images can be written as F64 safetensors.
  const pow2 = (k: number) => Rational.of(2).pow(k);
  const g = { p1: [1, 2, 0], c1: [pow2(1), pow2(-2), pow2(3)], p2: [3, 2, 1, 0], c2: [pow2(2), Rational.ONE, pow2(-1), pow2(1)] };
  const write = (name: string, p: Exact) => fs.writeFileSync(path.join(dir, name), encodeSafetensors(relu.params.map((d) => ({ name: d.name, shape: [...d.shape], values: Float64Array.from(p.get(d.name)!, (x) => x.toNumber()), dtype: "F64" as const }))));
  write("A.safetensors", A);
  write("B.safetensors", plant(A, g));
  write("BT.safetensors", plant(A, { ...g, c1: [pow2(1), Rational.ONE, Rational.ONE] }));
  const m = Rational.of(-1);
  write("BF.safetensors", plant(A, { ...g, c1: [m, Rational.ONE, m], c2: [Rational.ONE, m, m, Rational.ONE] }));
  it("a ReLU CNN's planted scaling is certified, with the scales as exact fractions and a proved whole-group theorem per class", async () => {
    const r = await runCli(["align", "A.safetensors", "B.safetensors", "--net", `${FILE}:C`, "--json", "--no-cache"], dir);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe("functionally identical for all inputs");
    expect(r.code).toBe(0);
    expect(out.g.classes.map((c: { scales: string[] }) => c.scales)).toEqual([g.c1.map(String), g.c2.map(String)]);
    expect(out.theorem.generators.map((x: { claim: string; verdict: string }) => [x.claim, x.verdict])).toEqual([
      ["group_h1_0", "proved"],
      ["group_h2_0", "proved"],
    ]);
    expect(out.theorem.file).toMatch(/forall P: perm\(3\), c: pos\(3\)\. C ~ C after scale C\.h1 axis channels by c then permute C\.h1 axis channels by P/);
    // --apply writes exactly B from A and the JSON g; a negative scale for a ReLU class is refused.
    fs.writeFileSync(path.join(dir, "g.json"), r.stdout);
    const a = await runCli(["align", "--apply", "g.json", "A.safetensors", "--net", `${FILE}:C`, "-o", "A2.safetensors"], dir);
    expect(a.code).toBe(0);
    expect(Buffer.compare(fs.readFileSync(path.join(dir, "A2.safetensors")), fs.readFileSync(path.join(dir, "B.safetensors")))).toBe(0);
    out.g.classes[0].scales[0] = "-2";
    fs.writeFileSync(path.join(dir, "gbad.json"), JSON.stringify(out));
    const bad = await runCli(["align", "--apply", "gbad.json", "A.safetensors", "--net", `${FILE}:C`, "-o", "A3.safetensors"], dir);
    expect([bad.code, bad.stderr]).toEqual([2, 'neteq: error CLI001: --apply gbad.json: class h1_0: scale "-2" is not a positive number or fraction\n']);
    const t = await runCli(["align", "A.safetensors", "B.safetensors", "--net", `${FILE}:C`], dir);
    expect(t.stdout).toMatch(/h1 axis channels\s+3\s+3 moved\s+\[1, 2, 0\]\s+3 distinct \(2, 1\/4, 8\)/);
  }, 120_000);
  it("a tanh CNN's planted flips are certified by a whole-group sign theorem", async () => {
    const r = await runCli(["align", "A.safetensors", "BF.safetensors", "--net", `${FILE}:T`, "--json", "--no-cache"], dir);
    const out = JSON.parse(r.stdout);
    expect([out.verdict, r.code]).toEqual(["functionally identical for all inputs", 0]);
    expect(out.g.classes.map((c: { action: string; scales: string[] }) => [c.action, c.scales])).toEqual([
      ["flip", ["-1", "1", "-1"]],
      ["flip", ["1", "-1", "-1", "1"]],
    ]);
    expect(out.theorem.file).toMatch(/forall P: perm\(3\), s: sign\(3\)\. T ~ T after scale T\.h1 axis channels by s then permute/);
  }, 120_000);
  it("b2 left unscaled while K2 and V are rescaled: the mismatches listed are b2's, against the nearest g with its scales", async () => {
    const BN = plant(A, g);
    for (let o = 0; o < 4; o++) BN.get("b2")![g.p2[o]!] = A.get("b2")![o]!;
    write("BN.safetensors", BN);
    const r = await runCli(["align", "A.safetensors", "BN.safetensors", "--net", `${FILE}:C`, "--json"], dir);
    const out = JSON.parse(r.stdout);
    expect([out.verdict, r.code]).toEqual(["not an image", 1]);
    // Every unit of h2 with c != 1 differs in b2 only; K2 and V are exactly g A.
    const changed = [0, 1, 2, 3].filter((o) => !g.c2[o]!.eq(Rational.ONE));
    expect(out.near.check.mismatches).toBe(changed.length);
    const byIndex = (x: (string | number)[], y: (string | number)[]) => (x[1] as number) - (y[1] as number);
    expect(out.near.check.first.map((x: { tensor: string; index: number[]; expected: string; found: string }) => [x.tensor, x.index[0], x.expected, x.found]).sort(byIndex)).toEqual(
      changed.map((o) => ["b2", g.p2[o]!, A.get("b2")![o]!.mul(g.c2[o]!).toString(), A.get("b2")![o]!.toString()]).sort(byIndex),
    );
    expect(out.near.g.classes.map((c: { scales?: string[] }) => c.scales)).toEqual([g.c1.map(String), g.c2.map(String)]);
    // Negative control: scales all 1 and one K2 entry changed: the nearest g keeps scales 1 and names that entry.
    const BK = plant(A, { ...g, c1: [Rational.ONE, Rational.ONE, Rational.ONE], c2: [Rational.ONE, Rational.ONE, Rational.ONE, Rational.ONE] });
    BK.get("K2")![5] = BK.get("K2")![5]!.add(Rational.ONE);
    write("BK.safetensors", BK);
    const k = JSON.parse((await runCli(["align", "A.safetensors", "BK.safetensors", "--net", `${FILE}:C`, "--json"], dir)).stdout);
    expect([k.near.check.mismatches, k.near.check.first[0].tensor, k.near.check.first[0].index]).toEqual([1, "K2", [0, 0, 1, 2]]);
  }, 120_000);
  it("negative control: the same file read as a tanh CNN (scaling not a symmetry) is not certified", async () => {
    const r = await runCli(["align", "A.safetensors", "BT.safetensors", "--net", `${FILE}:T`, "--no-cache"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/functionally identical/);
    expect(r.stdout).toMatch(/verdict: not an image/);
  }, 120_000);
});
