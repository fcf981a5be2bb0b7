/**
 * The continuous actions of attention: W_Q A, W_K A^-T (with b_Q A, b_K A^-T) and W_V A,
 * A^-1 W_O (with b_V A), per head, with the heads permuted. Planted images are recovered with
 * A exactly and certified by the checker's `forall M: gl(k)` claims when one A serves every
 * head. Negative controls: W_Q multiplied without W_K is not an image; different matrices per
 * head are an exact image but not certified (no claim covers them); a rank-deficient W_Q
 * leaves A undetermined and says so. The planting is written out independently below.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { permutationClasses } from "../../src/align/classes.ts";
import { ExactValues } from "../../src/align/exact.ts";
import { matchAttention, matchableBlocks } from "../../src/align/matchAttention.ts";
import { verifyTensor } from "../../src/align/permuteTensor.ts";
import { classScalings } from "../../src/align/unitScales.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { encodeSafetensors } from "../../src/weights/safetensors.ts";
import { networkOf, randomParams, randomPerm } from "../weights/fixtures/plantedTensor.ts";
import { runCli } from "../weights/runCli.ts";

const NET = `network AB {
  input x[3, 4]
  param Wq[2, 2, 4], Wk[2, 2, 4], Wv[2, 2, 4], Wo[4, 2, 2], bq[2, 2], bk[2, 2], bv[2, 2]
  y = mha(x, Wq, Wk, Wv, Wo, bq = bq, bk = bk, bv = bv, causal = 1)
  out y
}
`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-align-attn-"));
const FILE = path.join(dir, "att.neq");
fs.writeFileSync(FILE, NET);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const ab = networkOf(FILE, NET, "AB");
// Attention beside a ReLU MLP: its hidden units rescale while the heads take matrices.
const MIXED = `network TR {
  input x[3, 4]
  param Wq[2, 2, 4], Wk[2, 2, 4], Wv[2, 2, 4], Wo[4, 2, 2], W1[5, 4], c1[5], W2[4, 5], c2[4]
  a = mha(x, Wq, Wk, Wv, Wo)
  s1 = x + a
  u = relu(linear(s1, W1, c1))
  out linear(u, W2, c2)
}
`;
fs.writeFileSync(path.join(dir, "tr.neq"), MIXED);
const mixed = networkOf(path.join(dir, "tr.neq"), MIXED, "TR");
/** The MLP part of TR's g: unit j of u moves to perm[j], scaled by c[j]. */
function plantMlp(A: Exact, B: Exact, perm: readonly number[], c: readonly Rational[]): Exact {
  for (let j = 0; j < 5; j++) {
    for (let d = 0; d < 4; d++) B.get("W1")![perm[j]! * 4 + d] = A.get("W1")![j * 4 + d]!.mul(c[j]!);
    B.get("c1")![perm[j]!] = A.get("c1")![j]!.mul(c[j]!);
    for (let r = 0; r < 4; r++) B.get("W2")![r * 5 + perm[j]!] = A.get("W2")![r * 5 + j]!.div(c[j]!);
  }
  return B;
}
const T_FILE = "proofs/11_transformer.neq";
const transformer = networkOf(T_FILE, fs.readFileSync(T_FILE, "utf8"), "T");

type Exact = Map<string, Rational[]>;
type M2 = Rational[][];
const R = (n: number, d = 1) => Rational.of(n, d);
const toExact = (p: ReadonlyMap<string, Float64Array>): Exact => new Map([...p].map(([k, v]) => [k, Array.from(v, (x) => Rational.fromNumber(x))]));
const values = (p: Exact) => new Map([...p].map(([name, v]) => [name, new ExactValues({ name, shape: [v.length], dtype: "decimal", values: Float64Array.from(v, (x) => x.toNumber()), exact: v })]));
/** (X^-1)^T of a 2 x 2 matrix. */
const invT = (X: M2): M2 => {
  const det = X[0]![0]!.mul(X[1]![1]!).sub(X[0]![1]!.mul(X[1]![0]!));
  return [
    [X[1]![1]!.div(det), X[1]![0]!.neg().div(det)],
    [X[0]![1]!.neg().div(det), X[0]![0]!.div(det)],
  ];
};

interface Planted {
  heads: number[];
  qk: M2[];
  vo: M2[];
  /** Leave W_K (and b_K) unchanged: the broken action of the negative control. */
  keysUnchanged?: boolean;
}

/** B = g A for mha(x, Wq[H, 2, D], ...) with biases, written out fiber by fiber (head h of A goes to heads[h]). */
function plant(A: Exact, g: Planted, D: number, biases: boolean): Exact {
  const B: Exact = new Map([...A].map(([k, v]) => [k, v.slice()]));
  const H = g.heads.length;
  const mul = (v: Rational[], X: M2) => [0, 1].map((k) => v[0]!.mul(X[0]![k]!).add(v[1]!.mul(X[1]![k]!)));
  for (let h = 0; h < H; h++) {
    const u = g.heads[h]!;
    const moves: [string, M2, (k: number, e: number) => number, (k: number, e: number) => number, number][] = [
      ["Wq", g.qk[h]!, (k, d) => (h * 2 + k) * D + d, (k, d) => (u * 2 + k) * D + d, D],
      ["Wk", g.keysUnchanged ? [[R(1), R(0)], [R(0), R(1)]] : invT(g.qk[h]!), (k, d) => (h * 2 + k) * D + d, (k, d) => (u * 2 + k) * D + d, D],
      ["Wv", g.vo[h]!, (k, d) => (h * 2 + k) * D + d, (k, d) => (u * 2 + k) * D + d, D],
      ["Wo", invT(g.vo[h]!), (k, d) => (d * H + h) * 2 + k, (k, d) => (d * H + u) * 2 + k, D],
    ];
    if (biases)
      moves.push(
        ["bq", g.qk[h]!, (k) => h * 2 + k, (k) => u * 2 + k, 1],
        ["bk", g.keysUnchanged ? [[R(1), R(0)], [R(0), R(1)]] : invT(g.qk[h]!), (k) => h * 2 + k, (k) => u * 2 + k, 1],
        ["bv", g.vo[h]!, (k) => h * 2 + k, (k) => u * 2 + k, 1],
      );
    for (const [name, X, from, to, n] of moves)
      for (let e = 0; e < n; e++) {
        const v = mul([0, 1].map((k) => A.get(name)![from(k, e)]!), X);
        for (let k = 0; k < 2; k++) B.get(name)![to(k, e)] = v[k]!;
      }
  }
  return B;
}

const invertible = (rng: Rng): M2 => {
  for (;;) {
    const X = [0, 1].map(() => [0, 1].map(() => R(rng.int(-5, 5), rng.int(1, 4))));
    if (!X[0]![0]!.mul(X[1]![1]!).eq(X[0]![1]!.mul(X[1]![0]!))) return X;
  }
};

function align(net: typeof ab, A: Exact, B: Exact) {
  const { classes } = permutationClasses(net);
  const { blocks } = matchableBlocks(net, classes);
  const found = matchAttention(net, classes, blocks, values(A), values(B), classScalings(net, classes).scalings);
  const check = "g" in found ? verifyTensor(net, classes, found.g, values(A), values(B)) : null;
  return { found, check };
}

const sameMatrix = (X: readonly (readonly Rational[])[], Y: M2) => X.every((r, i) => r.every((x, j) => x.eq(Y[i]![j]!)));

describe("continuous attention actions", () => {
  it("recovers planted per-head matrices (and the heads permutation) exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const rng = new Rng(seed);
        const A = toExact(randomParams(ab, rng));
        const g = { heads: randomPerm(2, rng), qk: [invertible(rng), invertible(rng)], vo: [invertible(rng), invertible(rng)] };
        const { found, check } = align(ab, A, plant(A, g, 4, true));
        if (!("g" in found) || check?.mismatches !== 0) return false;
        const heads = found.g.classes.find((c) => c.id === "y_q_0")!;
        const [qk, vo] = [found.g.attention!.find((a) => a.kind === "qk")!, found.g.attention!.find((a) => a.kind === "vo")!];
        return heads.perm.join() === g.heads.join() && [0, 1].every((h) => sameMatrix(qk.matrices[h]!, g.qk[h]!) && sameMatrix(vo.matrices[h]!, g.vo[h]!));
      }),
      { numRuns: 20 },
    );
  });
  it("recovers them in a transformer block, whose residual stream is permuted by colours", () => {
    const rng = new Rng(3);
    const A = toExact(randomParams(transformer, rng));
    const g = { heads: [1, 0], qk: [invertible(rng), invertible(rng)], vo: [invertible(rng), invertible(rng)] };
    const { found, check } = align(transformer, A, plant(A, g, 4, false));
    expect("g" in found && check?.mismatches).toBe(0);
  });
  it("recovers matrices per head together with rescaled units of a ReLU MLP beside the attention", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const rng = new Rng(seed);
        const A = toExact(randomParams(mixed, rng));
        const g = { heads: randomPerm(2, rng), qk: [invertible(rng), invertible(rng)], vo: [invertible(rng), invertible(rng)] };
        const perm = randomPerm(5, rng);
        const c = perm.map(() => R(rng.int(1, 9), rng.int(1, 9)));
        const { found, check } = align(mixed, A, plantMlp(A, plant(A, g, 4, false), perm, c));
        if (!("g" in found) || check?.mismatches !== 0) return false;
        const u = found.g.classes.find((x) => x.where === "u axis units")!;
        return u.perm.join() === perm.join() && u.scales!.every((x, j) => x.eq(c[j]!));
      }),
      { numRuns: 15 },
    );
  });
  it("negative control: W_Q multiplied by A with W_K left as it was is not an image", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const rng = new Rng(seed);
        const A = toExact(randomParams(ab, rng));
        const X: M2 = [[R(2), R(1)], [R(0), R(1)]];
        const { found, check } = align(ab, A, plant(A, { heads: [0, 1], qk: [X, X], vo: [invT(invT(X)), X], keysUnchanged: true }, 4, true));
        return !("g" in found) || (check?.mismatches ?? 0) > 0;
      }),
      { numRuns: 20 },
    );
  });
  it("a rank-deficient W_Q leaves A undetermined, and the reason says so", () => {
    const rng = new Rng(4);
    const A = toExact(randomParams(ab, rng));
    // Head 0's second query row is twice its first (bias included): rank 1 < d_head = 2.
    for (let d = 0; d < 4; d++) A.get("Wq")![4 + d] = A.get("Wq")![d]!.mul(R(2));
    A.get("bq")![1] = A.get("bq")![0]!.mul(R(2));
    const X: M2 = [[R(1), R(1)], [R(0), R(3)]];
    const { found } = align(ab, A, plant(A, { heads: [0, 1], qk: [X, X], vo: [X, X] }, 4, true));
    expect("problem" in found && found.problem).toMatch(/W_Q \(with b_Q\) of head 0 has rank below d_head = 2/);
  });
});

describe("the certificate for attention actions", () => {
  const rng = new Rng(9);
  const A = toExact(randomParams(ab, rng));
  // Dyadic matrices and inverses keep every value a float64 (checked below), so the files are F64 safetensors.
  const M: M2 = [[R(2), R(1)], [R(0), R(1)]];
  const N: M2 = [[R(0), R(1)], [R(1), R(1)]];
  const write = (name: string, p: Exact) => {
    for (const v of p.values()) for (const x of v) if (!Rational.fromNumber(x.toNumber()).eq(x)) throw new Error("fixture value is not a float64");
    fs.writeFileSync(path.join(dir, name), encodeSafetensors(ab.params.map((d) => ({ name: d.name, shape: [...d.shape], values: Float64Array.from(p.get(d.name)!, (x) => x.toNumber()), dtype: "F64" as const }))));
  };
  write("A.safetensors", A);
  write("B.safetensors", plant(A, { heads: [1, 0], qk: [M, M], vo: [N, N] }, 4, true));
  write("B2.safetensors", plant(A, { heads: [1, 0], qk: [M, N], vo: [N, N] }, 4, true));
  it("one matrix in every head: recovered exactly, certified by the gl(k) claims, A in the JSON as fractions", async () => {
    const r = await runCli(["align", "A.safetensors", "B.safetensors", "--net", `${FILE}:AB`, "--json", "--no-cache"], dir);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect([out.verdict, r.code]).toEqual(["functionally identical for all inputs", 0]);
    expect(out.g.attention.map((a: { kind: string; heads: { matrix: string[][] }[] }) => [a.kind, a.heads.map((h) => h.matrix)])).toEqual([
      ["qk", [M.map((r) => r.map(String)), M.map((r) => r.map(String))]],
      ["vo", [N.map((r) => r.map(String)), N.map((r) => r.map(String))]],
    ]);
    expect(out.theorem.generators.map((x: { claim: string; verdict: string }) => [x.claim, x.verdict])).toEqual([
      ["perm_y_q_0", "proved"],
      ["qk_y", "proved"],
      ["vo_y", "proved"],
    ]);
    expect(out.theorem.file).toMatch(/theorem qk_y: forall M: gl\(2\)\. AB ~ AB after multiply axis 1 of AB\.Wq by M then multiply axis 1 of AB\.bq by M then multiply axis 1 of AB\.Wk by transpose\(inverse\(M\)\)/);
    const t = await runCli(["align", "A.safetensors", "B.safetensors", "--net", `${FILE}:AB`], dir);
    expect(t.stdout).toMatch(/^y head 0\s+2\s+W_Q A, W_K A\^-T\s+A = \[\[2, 1\], \[0, 1\]\]/m);
  }, 120_000);
  it("different matrices per head: an exact image, but no claim covers it, so not certified", async () => {
    const r = await runCli(["align", "A.safetensors", "B2.safetensors", "--net", `${FILE}:AB`, "--no-cache"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/exact check: B = g A in all \d+ entries/);
    expect(r.stdout).toMatch(/theorem: none \(y's W_Q A, W_K A\^-T uses a different matrix in different heads/);
    expect(r.stdout).not.toMatch(/functionally identical/);
  }, 120_000);
});

describe("the bound on exact work", () => {
  it("a head too large to solve exactly in reasonable time is not attempted, and the report says so", () => {
    const text = `network Big {\n  input x[2, 8]\n  param Wq[1, 140, 8], Wk[1, 140, 8], Wv[1, 140, 8], Wo[8, 1, 140]\n  y = mha(x, Wq, Wk, Wv, Wo)\n  out y\n}\n`;
    const big = networkOf("big.neq", text, "Big");
    const A = toExact(randomParams(big, new Rng(2)));
    const { found } = align(big, A, A);
    expect("problem" in found && found.problem).toMatch(/^y: solving W_Q A, W_K A\^-T exactly takes about 2\.7e\+6 big-integer steps \(1 head of d_head 140\), above the bound of 2\.2e\+6; not attempted/);
  });
});

describe("singular and undetermined matrices (regressions)", () => {
  const rng = new Rng(21);
  const write = (name: string, p: Exact) => {
    for (const v of p.values()) for (const x of v) if (!Rational.fromNumber(x.toNumber()).eq(x)) throw new Error("fixture value is not a float64");
    fs.writeFileSync(path.join(dir, name), encodeSafetensors(ab.params.map((d) => ({ name: d.name, shape: [...d.shape], values: Float64Array.from(p.get(d.name)!, (x) => x.toNumber()), dtype: "F64" as const }))));
  };
  // A's keys have a zero second component in both heads, so the query's second component is unused:
  // B zeroes it (W_Q X with X = [[1, 0], [0, 0]], singular) and fills the keys' second component.
  // Then v_B X^T = v_A holds on the key side, but X is no element of GL(2): not the cited theorem's action.
  const A = toExact(randomParams(ab, rng));
  for (let h = 0; h < 2; h++) {
    for (let d = 0; d < 4; d++) A.get("Wk")![(h * 2 + 1) * 4 + d] = R(0);
    A.get("bk")![h * 2 + 1] = R(0);
  }
  const S: M2 = [[R(1), R(0)], [R(0), R(0)]];
  const B = new Map([...A].map(([k, v]) => [k, v.slice()]));
  for (let h = 0; h < 2; h++) {
    for (let d = 0; d < 4; d++) {
      B.get("Wq")![(h * 2 + 1) * 4 + d] = R(0);
      B.get("Wk")![(h * 2 + 1) * 4 + d] = R(rng.int(-7, 7), 4);
    }
    B.get("bq")![h * 2 + 1] = R(0);
    B.get("bk")![h * 2 + 1] = R(3, 4);
  }
  write("S_A.safetensors", A);
  write("S_B.safetensors", B);
  it("a singular solution is refused by the matcher, and the CLI says undecided, never identical", async () => {
    const { found } = align(ab, A, B);
    expect("problem" in found && found.problem).toMatch(/^y: the matrix A solved for head 0 from W_Q \(with b_Q\) is singular .* the GL\(2\) action needs A invertible$/);
    const r = await runCli(["align", "S_A.safetensors", "S_B.safetensors", "--net", `${FILE}:AB`, "--json", "--no-cache"], dir);
    const out = JSON.parse(r.stdout);
    expect([out.verdict, r.code]).toEqual(["undecided", 1]);
    expect(out.undecided).toMatch(/singular/);
    expect(out.theorem).toBe(null);
  }, 120_000);
  it("the exact check does not accept a singular matrix either (v_B = v_A X^-T needs X^-1)", () => {
    const { classes } = permutationClasses(ab);
    const ident = classes.map((c) => ({ id: c.id, where: c.where, perm: Array.from({ length: c.size }, (_, i) => i) }));
    const I: M2 = [[R(1), R(0)], [R(0), R(1)]];
    const g = { classes: ident, attention: [{ block: "y", kind: "qk" as const, dim: 2, matrices: [S, S] }, { block: "y", kind: "vo" as const, dim: 2, matrices: [I, I] }] };
    expect(() => verifyTensor(ab, classes, g, values(A), values(B))).toThrow(/singular/);
    // Control: with an invertible matrix the same check runs, and B (zeroed queries) is not W_Q I.
    const ok = { ...g, attention: [{ ...g.attention[0]!, matrices: [I, I] }, g.attention[1]!] };
    expect(verifyTensor(ab, classes, ok, values(A), values(B)).mismatches).toBeGreaterThan(0);
  });
  it("negative control: the same construction with an invertible matrix is certified", async () => {
    const M: M2 = [[R(1), R(0)], [R(1), R(2)]];
    write("S_B2.safetensors", plant(A, { heads: [0, 1], qk: [M, M], vo: [I2(), I2()] }, 4, true));
    const r = await runCli(["align", "S_A.safetensors", "S_B2.safetensors", "--net", `${FILE}:AB`, "--no-cache"], dir);
    expect(r.stdout).toMatch(/verdict: functionally identical for all inputs/);
    expect(r.code).toBe(0);
  }, 120_000);
  it("a rank-deficient W_Q where B is an image: undecided (the matcher gave up), not 'not an image'", async () => {
    const A2 = toExact(randomParams(ab, new Rng(4)));
    for (let h = 0; h < 2; h++) {
      for (let d = 0; d < 4; d++) A2.get("Wq")![(h * 2 + 1) * 4 + d] = A2.get("Wq")![h * 2 * 4 + d]!.mul(R(2));
      A2.get("bq")![h * 2 + 1] = A2.get("bq")![h * 2]!.mul(R(2));
    }
    const X: M2 = [[R(2), R(1)], [R(0), R(1, 2)]];
    write("K_A.safetensors", A2);
    write("K_B.safetensors", plant(A2, { heads: [0, 1], qk: [X, X], vo: [I2(), I2()] }, 4, true));
    const r = await runCli(["align", "K_A.safetensors", "K_B.safetensors", "--net", `${FILE}:AB`], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^verdict: undecided \(no g was found, but the search was not exhaustive: .*rank below d_head = 2/m);
    // Negative control: full rank, W_Q multiplied with W_K left as it was: the search is exhaustive and B is not an image.
    const A3 = toExact(randomParams(ab, new Rng(5)));
    write("N_A.safetensors", A3);
    write("N_B.safetensors", plant(A3, { heads: [1, 0], qk: [X, X], vo: [I2(), I2()], keysUnchanged: true }, 4, true));
    const n = await runCli(["align", "N_A.safetensors", "N_B.safetensors", "--net", `${FILE}:AB`, "--json"], dir);
    expect([JSON.parse(n.stdout).verdict, n.code]).toEqual(["not an image", 1]);
  }, 120_000);
});
const I2 = (): M2 => [[R(1), R(0)], [R(0), R(1)]];
