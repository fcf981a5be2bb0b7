/**
 * `neteq align --apply g.json` with attention matrices: `-o out.json` writes g A exactly (W_Q A
 * with A^-1 of thirds), equal to an independent planting, and align certifies it; safetensors
 * is written only when every entry is a float64 (dyadic matrices), else refused with no file.
 * Negative controls: a singular matrix and a wrong d_head are refused; the planting with W_K
 * left as it was is not what --apply writes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { permutationClasses } from "../../src/align/classes.ts";
import { tensorGroupToJson } from "../../src/align/groupJson.ts";
import { inverseTooCostly } from "../../src/align/attentionExact.ts";
import { exactEntry } from "../../src/align/groupJson.ts";
import { ExactTextBudget } from "../../src/weights/limits.ts";
import { matchableBlocks } from "../../src/align/matchAttention.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { readCheckpoint } from "../../src/weights/readCheckpoint.ts";
import { encodeSafetensors } from "../../src/weights/safetensors.ts";
import { networkOf, randomParams } from "../weights/fixtures/plantedTensor.ts";
import { runCli } from "../weights/runCli.ts";

const NET = `network AB {
  input x[3, 4]
  param Wq[2, 2, 4], Wk[2, 2, 4], Wv[2, 2, 4], Wo[4, 2, 2], bq[2, 2], bk[2, 2], bv[2, 2]
  y = mha(x, Wq, Wk, Wv, Wo, bq = bq, bk = bk, bv = bv, causal = 1)
  out y
}
`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-apply-attn-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.writeFileSync(path.join(dir, "att.neq"), NET);
const ab = networkOf(path.join(dir, "att.neq"), NET, "AB");
const { classes } = permutationClasses(ab);
const headsClass = matchableBlocks(ab, classes).blocks[0]!.headsClass;

type M2 = Rational[][];
type Exact = Map<string, Rational[]>;
const R = (n: number, d = 1) => Rational.of(n, d);
const invT = (X: M2): M2 => {
  const det = X[0]![0]!.mul(X[1]![1]!).sub(X[0]![1]!.mul(X[1]![0]!));
  return [
    [X[1]![1]!.div(det), X[1]![0]!.neg().div(det)],
    [X[0]![1]!.neg().div(det), X[0]![0]!.div(det)],
  ];
};

/** B = g A written out fiber by fiber (head h of A goes to head 1 - h), independently of the code under test. */
function plant(A: Exact, qk: M2, vo: M2, keysUnchanged = false): Exact {
  const B: Exact = new Map([...A].map(([k, v]) => [k, v.slice()]));
  const mul = (v: Rational[], X: M2) => [0, 1].map((k) => v[0]!.mul(X[0]![k]!).add(v[1]!.mul(X[1]![k]!)));
  const I: M2 = [[R(1), R(0)], [R(0), R(1)]];
  for (let h = 0; h < 2; h++) {
    const u = 1 - h;
    const moves: [string, M2, (k: number, e: number) => number, (k: number, e: number) => number, number][] = [
      ["Wq", qk, (k, d) => (h * 2 + k) * 4 + d, (k, d) => (u * 2 + k) * 4 + d, 4],
      ["Wk", keysUnchanged ? I : invT(qk), (k, d) => (h * 2 + k) * 4 + d, (k, d) => (u * 2 + k) * 4 + d, 4],
      ["Wv", vo, (k, d) => (h * 2 + k) * 4 + d, (k, d) => (u * 2 + k) * 4 + d, 4],
      ["Wo", invT(vo), (k, d) => (d * 2 + h) * 2 + k, (k, d) => (d * 2 + u) * 2 + k, 4],
      ["bq", qk, (k) => h * 2 + k, (k) => u * 2 + k, 1],
      ["bk", keysUnchanged ? I : invT(qk), (k) => h * 2 + k, (k) => u * 2 + k, 1],
      ["bv", vo, (k) => h * 2 + k, (k) => u * 2 + k, 1],
    ];
    for (const [name, X, from, to, n] of moves)
      for (let e = 0; e < n; e++) {
        const v = mul([0, 1].map((k) => A.get(name)![from(k, e)]!), X);
        for (let k = 0; k < 2; k++) B.get(name)![to(k, e)] = v[k]!;
      }
  }
  return B;
}

/** g.json: heads swapped, the matrices qk and vo in both heads. */
function gJson(name: string, qk: unknown, vo: unknown, dim = 2): string {
  const g = tensorGroupToJson({ classes: classes.map((c, k) => ({ id: c.id, where: c.where, perm: Array.from({ length: c.size }, (_, i) => (k === headsClass ? c.size - 1 - i : i)) })) }) as object;
  const side = (kind: string, X: unknown) => ({ block: "y", kind, dim, heads: [0, 1].map((head) => ({ head, matrix: X })) });
  fs.writeFileSync(path.join(dir, name), JSON.stringify({ ...g, attention: [side("qk", qk), side("vo", vo)] }));
  return name;
}
const show = (X: M2) => X.map((r) => r.map(String));
const read = (file: string): Exact => {
  const r = readCheckpoint(file, dir);
  if (!r.ok) throw new Error(r.message);
  return new Map(r.checkpoint.tensors.map((t) => {
    const x = r.checkpoint.read(t.name);
    return [t.name, x.exact ? [...x.exact] : Array.from(x.values, (v) => Rational.fromNumber(v))];
  }));
};
const equal = (P: Exact, Q: Exact) => [...Q].every(([k, v]) => v.every((y, i) => y.eq(P.get(k)![i]!)));

const A = new Map([...randomParams(ab, new Rng(12))].map(([k, v]) => [k, Array.from(v, (x) => Rational.fromNumber(x))]));
fs.writeFileSync(path.join(dir, "A.safetensors"), encodeSafetensors(ab.params.map((d) => ({ name: d.name, shape: [...d.shape], values: Float64Array.from(A.get(d.name)!, (x) => x.toNumber()), dtype: "F32" as const }))));
const apply = (g: string, out: string) => runCli(["align", "--apply", g, "A.safetensors", "--net", "att.neq:AB", "-o", out], dir);

describe("--apply with attention matrices", () => {
  it("-o out.json writes g A exactly (thirds), as planted independently; align certifies it", async () => {
    const M: M2 = [[R(1), R(2)], [R(0), R(3)]];
    const N: M2 = [[R(1, 2), R(1)], [R(1), R(-1)]];
    const r = await apply(gJson("g.json", show(M), show(N)), "B.json");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const B = read("B.json");
    expect(equal(B, plant(A, M, N))).toBe(true);
    // Negative control: the broken planting (W_K left as it was) is not what was written.
    expect(equal(B, plant(A, M, N, true))).toBe(false);
    const a = await runCli(["align", "A.safetensors", "B.json", "--net", "att.neq:AB", "--no-cache"], dir);
    expect(a.stdout).toMatch(/verdict: functionally identical for all inputs/);
    expect(a.code).toBe(0);
    // The same g to safetensors: W_K A^-T has thirds, so it is refused and nothing is written.
    const s = await apply("g.json", "B.safetensors");
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/^neteq: error CLI001: -o B\.safetensors: (Wk|bk) entry \d+ of g A is -?\d+\/\d*3\d*, which no float64 holds\n$/);
    expect(fs.existsSync(path.join(dir, "B.safetensors"))).toBe(false);
  }, 120_000);
  it("safetensors when every entry is a float64 (dyadic matrices and inverses)", async () => {
    const M: M2 = [[R(2), R(1)], [R(0), R(1)]];
    const N: M2 = [[R(0), R(1)], [R(1), R(1)]];
    const r = await apply(gJson("gd.json", show(M), show(N)), "D.safetensors");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(equal(read("D.safetensors"), plant(A, M, N))).toBe(true);
  }, 120_000);
  it("refuses a singular matrix and a wrong d_head, naming the field", async () => {
    const s = await apply(gJson("gs.json", [["1", "2"], ["2", "4"]], [["1", "0"], ["0", "1"]]), "S.json");
    expect([s.code, s.stderr]).toEqual([2, "neteq: error CLI001: --apply gs.json: attention[0], head 0: the matrix is singular, so it is no element of GL(2)\n"]);
    const d = await apply(gJson("gk.json", [["1"]], [["1"]], 1), "K.json");
    expect([d.code, d.stderr]).toEqual([2, "neteq: error CLI001: --apply gk.json: attention[0]: dim must be 2 (d_head of y)\n"]);
    expect(fs.existsSync(path.join(dir, "S.json")) || fs.existsSync(path.join(dir, "K.json"))).toBe(false);
  }, 120_000);

  it("a matrix whose exact inverse would take minutes is refused before any work (it hung: 64 x 64 of p/q with q < 1000)", () => {
    const rng = new Rng(3);
    const K = 64;
    const costly = Array.from({ length: K }, () => Array.from({ length: K }, () => Rational.of(rng.int(-1_000_000, 1_000_000), rng.int(1, 999))));
    expect(inverseTooCostly(costly)).toMatch(/inverting this 64 x 64 matrix exactly would take too long .* not attempted/);
    // Small entries do not make a large d_head cheap (256 x 256 in [-3, 3] took 36 s).
    expect(inverseTooCostly(Array.from({ length: 256 }, () => Array.from({ length: 256 }, () => Rational.of(rng.int(-3, 3)))))).toMatch(/not attempted/);
    // Controls: the identity and a small matrix of floats are inverted.
    expect(inverseTooCostly(Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => Rational.of(i === j ? 1 : 0))))).toBeNull();
    expect(inverseTooCostly([[Rational.of(1, 2), Rational.of(3)], [Rational.of(-1, 8), Rational.of(5, 4)]])).toBeNull();
  });

  it("g.json: an entry longer than the limit, too many long entries, and a device are refused before any work", async () => {
    const budget = new ExactTextBudget();
    expect(exactEntry(`1/${"3".repeat(20_000)}`, budget)).toEqual({ problem: "an entry of 20002 characters (at most 20000)" });
    const long = `1/${"7".repeat(15_000)}`;
    const results = Array.from({ length: 20 }, () => exactEntry(long, budget));
    expect(results.at(-1)).toMatchObject({ problem: expect.stringMatching(/too costly to read/) });
    // Control: the first long entries and short ones are read exactly.
    expect(results[0]).toBeInstanceOf(Rational);
    expect(exactEntry("3/4", new ExactTextBudget())).toEqual(Rational.of(3, 4));
    const r = await runCli(["align", "--apply", "/dev/zero", "A.safetensors", "--net", "att.neq:AB", "-o", "Z.json"], dir);
    expect([r.code, r.stderr]).toEqual([2, "neteq: error CLI001: --apply /dev/zero: not a regular file\n"]);
  });

  it("a g.json may give each matrix's inverse (align --json writes it): checked by X X^-1 = I, not recomputed; a wrong one is refused", async () => {
    const M: M2 = [[R(1), R(2)], [R(0), R(3)]];
    const N: M2 = [[R(1, 2), R(1)], [R(1), R(-1)]];
    const inv = (X: M2): M2 => invT(X).map((_, i) => invT(X).map((r) => r[i]!));
    const withInverse = (name: string, qkInverse: M2) => {
      const g = JSON.parse(fs.readFileSync(path.join(dir, gJson(name, show(M), show(N))), "utf8")) as { attention: { kind: string; heads: { inverse?: unknown }[] }[] };
      for (const a of g.attention) for (const h of a.heads) h.inverse = show(a.kind === "qk" ? qkInverse : inv(N));
      fs.writeFileSync(path.join(dir, name), JSON.stringify(g));
      return name;
    };
    const r = await apply(withInverse("gi.json", inv(M)), "Bi.json");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(equal(read("Bi.json"), plant(A, M, N))).toBe(true);
    // Negative control: an inverse that is not one is refused, and nothing is written.
    const bad = await apply(withInverse("gbad.json", [[R(1), R(-2, 3)], [R(0), R(1, 2)]]), "Bbad.json");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/attention\[0\], head 0: inverse is not the inverse of matrix/);
    expect(fs.existsSync(path.join(dir, "Bbad.json"))).toBe(false);
    // align --json writes the inverses it computed, so its g round-trips through --apply.
    const j = await runCli(["align", "A.safetensors", "Bi.json", "--net", "att.neq:AB", "--json", "--no-cache"], dir);
    const out = JSON.parse(j.stdout) as { g: { attention: { heads: { inverse?: string[][] }[] }[] } };
    expect(out.g.attention.every((a) => a.heads.every((h) => Array.isArray(h.inverse)))).toBe(true);
    fs.writeFileSync(path.join(dir, "gj.json"), JSON.stringify(out.g));
    const again = await apply("gj.json", "Bj.json");
    expect([again.code, again.stderr]).toEqual([0, ""]);
    expect(equal(read("Bj.json"), read("Bi.json"))).toBe(true);
  });
});
