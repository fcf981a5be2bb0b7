/**
 * align on MLPs: align(g A, A) recovers g (fast-check), the exact check refuses a B changed
 * in one entry, a relu network refuses a sign flip, the canonical form agrees with the
 * covering library's canonicaliser, and the certificate appears only when the exact check
 * and the generator theorems both hold (negative controls: a changed entry; scaling claimed
 * for tanh, which the checker refutes).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalGroupElement } from "../../src/align/canonicalise.ts";
import { ExactValues } from "../../src/align/exact.ts";
import { matchMlp } from "../../src/align/matchMlp.ts";
import { proveTheorem, theoremFile } from "../../src/align/theorem.ts";
import type { UnitAction } from "../../src/align/types.ts";
import { verifyMlp } from "../../src/align/verifyMlp.ts";
import { canonicalise } from "../../src/covering/canonicalise.ts";
import { signFlipCanonicalise } from "../../src/covering/signFlipReduction.ts";
import { elaborate } from "../../src/elaborate/elaborate.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { resolveOptions } from "../../src/options.ts";
import { load } from "../../src/syntax/load.ts";
import { mlpSafetensors, randomGroupElement, randomMlp, transform, writePlanted } from "../weights/fixtures/planted.ts";
import { runCli } from "../weights/runCli.ts";

const values = (p: Map<string, Float64Array>) => new Map([...p].map(([name, v]) => [name, new ExactValues({ name, shape: [v.length], dtype: "F64", values: v })]));
const widthsArb = fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 3, maxLength: 5 });
const actionArb = fc.constantFrom<UnitAction>("scale", "flip", "none");

describe("align(g A, A) recovers g", () => {
  it("for random MLPs and random g (permutations with scales or signs)", () => {
    fc.assert(
      fc.property(widthsArb, actionArb, fc.integer({ min: 1, max: 1e6 }), (widths, action, seed) => {
        const rng = new Rng(seed);
        const A = randomMlp(widths, rng);
        const g = randomGroupElement(widths, action, rng);
        const found = matchMlp(widths, widths.slice(1, -1).map(() => action), values(A), values(transform(g, A)));
        if (!("g" in found)) return false;
        // Random units are distinct, so g is unique: the recovered one is the planted one.
        const same = found.g.layers.every((m, l) => m.perm.every((p, i) => p === g.layers[l]!.perm[i]) && m.scales.every((c, i) => c.eq(g.layers[l]!.scales[i]!)));
        return same && verifyMlp(found.g, values(A), values(transform(g, A))).mismatches === 0;
      }),
      { numRuns: 60 },
    );
  });
  it("negative controls: one changed entry is caught; a relu network refuses sign flips", () => {
    fc.assert(
      fc.property(widthsArb, fc.integer({ min: 1, max: 1e6 }), fc.nat(), (widths, seed, pick) => {
        const rng = new Rng(seed);
        const A = randomMlp(widths, rng);
        const g = randomGroupElement(widths, "scale", rng);
        const B = transform(g, A);
        const names = [...B.keys()];
        const t = B.get(names[pick % names.length]!)!;
        t[pick % t.length] = t[pick % t.length]! + 1;
        const found = matchMlp(widths, widths.slice(1, -1).map(() => "scale"), values(A), values(B));
        return "noMatch" in found || verifyMlp(found.g, values(A), values(B)).mismatches > 0;
      }),
      { numRuns: 60 },
    );
    const rng = new Rng(7);
    const widths = [3, 4, 2];
    const A = randomMlp(widths, rng);
    const flipped = transform(randomGroupElement(widths, "flip", new Rng(3)), A);
    expect("noMatch" in matchMlp(widths, ["scale"], values(A), values(flipped))).toBe(true);
    expect("g" in matchMlp(widths, ["flip"], values(A), values(flipped))).toBe(true);
  });
});

describe("canonicalise agrees with the covering library", () => {
  it("permutations (any activation) and signed permutations (odd activations)", () => {
    fc.assert(
      fc.property(widthsArb, fc.boolean(), fc.integer({ min: 1, max: 1e6 }), (widths, odd, seed) => {
        const A = randomMlp(widths, new Rng(seed));
        const theta: number[] = [];
        for (let l = 0; l + 1 < widths.length; l++) theta.push(...A.get(`W${l}`)!, ...A.get(`b${l}`)!);
        const g = canonicalGroupElement(widths, widths.slice(1, -1).map(() => (odd ? "flip" : "none")), values(A)).g;
        const ours: number[] = [];
        const C = transform(g, A);
        for (let l = 0; l + 1 < widths.length; l++) ours.push(...C.get(`W${l}`)!, ...C.get(`b${l}`)!);
        const theirs = odd ? signFlipCanonicalise(widths, theta) : canonicalise(widths, theta);
        // Idempotent too: the canonical form of the canonical form is itself.
        const again = canonicalGroupElement(widths, widths.slice(1, -1).map(() => (odd ? "flip" : "none")), values(C)).g;
        return ours.every((x, i) => x === theirs[i]) && again.layers.every((m) => m.perm.every((p, i) => p === i) && m.scales.every((c) => c.eq(Rational.ONE)));
      }),
      { numRuns: 50 },
    );
  });
});

describe("the certificate", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-align-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  it("is given for a planted image, and the exact check plus the theorem are shown", async () => {
    writePlanted(dir, [3, 4, 5, 2], "relu", 11);
    const r = await runCli(["align", "A.safetensors", "B.safetensors", "--net", "net.neq:N", "--no-cache"], dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/exact check: B = g A in all \d+ entries/);
    expect(r.stdout).toMatch(/theorem group_h2: .*every permutation of N.h2 with every positive scaling.*: proved/);
    expect(r.stdout).toMatch(/verdict: functionally identical for all inputs/);
    expect(r.code).toBe(0);
    // --apply with the planted g writes exactly B.
    const a = await runCli(["align", "--apply", "g.json", "A.safetensors", "--net", "net.neq:N", "-o", "A2.safetensors"], dir);
    expect(a.code).toBe(0);
    expect(Buffer.compare(fs.readFileSync(path.join(dir, "A2.safetensors")), fs.readFileSync(path.join(dir, "B.safetensors")))).toBe(0);
  }, 120_000);
  it("--apply refuses scales the layer's activation does not allow: negative for relu, not +-1 for tanh, not 1 for sigmoid", async () => {
    const fixtures = path.resolve("test/weights/fixtures/mlp");
    const good = JSON.parse(fs.readFileSync(path.join(fixtures, "g.json"), "utf8"));
    const gneg = { ...good, layers: good.layers.map((m: { scales: string[] }, l: number) => (l === 0 ? { ...m, scales: ["-2", ...m.scales.slice(1)] } : m)) };
    fs.writeFileSync(path.join(dir, "gneg.json"), JSON.stringify(gneg));
    const bad = await runCli(["align", "--apply", "gneg.json", path.join(fixtures, "A.safetensors"), "--net", `${path.join(fixtures, "net.neq")}:N`, "-o", "neg.safetensors"], dir);
    expect([bad.code, bad.stderr]).toEqual([2, 'neteq: error CLI001: --apply gneg.json: layer 1: scale "-2" is not a positive number or fraction (its units rescale only by c > 0)\n']);
    expect(fs.existsSync(path.join(dir, "neg.safetensors"))).toBe(false);
    // Control: the same g with its scales positive is applied.
    const ok = await runCli(["align", "--apply", path.join(fixtures, "g.json"), path.join(fixtures, "A.safetensors"), "--net", `${path.join(fixtures, "net.neq")}:N`, "-o", "pos.safetensors"], dir);
    expect(ok.code).toBe(0);
    for (const [act, scale, allowed] of [["tanh", "-1", true], ["tanh", "2", false], ["sigmoid", "1", true], ["sigmoid", "-1", false]] as const) {
      fs.writeFileSync(path.join(dir, `${act}.neq`), `network N = mlp(2 -> 2 -> 1, ${act})\n`);
      fs.writeFileSync(path.join(dir, `${act}.safetensors`), mlpSafetensors([2, 2, 1], randomMlp([2, 2, 1], new Rng(5))));
      fs.writeFileSync(path.join(dir, "g1.json"), JSON.stringify({ widths: [2, 2, 1], layers: [{ layer: 1, perm: [1, 0], scales: [scale, "1"] }] }));
      const r = await runCli(["align", "--apply", "g1.json", `${act}.safetensors`, "--net", `${act}.neq:N`, "-o", "out.safetensors"], dir);
      expect([act, scale, r.code]).toEqual([act, scale, allowed ? 0 : 2]);
      if (!allowed) expect(r.stderr).toMatch(act === "tanh" ? /is not 1 or -1 \(its units only flip\)/ : /is not 1 \(its activation allows no rescaling or flip\)/);
    }
  }, 120_000);
  it("units the weights do not tell apart make a failed match undecided, not 'not an image' (B is an image there)", async () => {
    // Decimal JSON values (not floats), so no nearest g by rounding is tried: the exact matcher alone decides.
    fs.writeFileSync(path.join(dir, "t.neq"), "network N = mlp(2 -> 3 -> 2, relu)\n");
    const A = { W0: [["0.1", "0.3"], ["0.1", "0.3"], ["0.7", "-0.2"]], b0: ["0.5", "0.5", "0.3"], W1: [["0.2", "0.9", "-0.4"], ["0.6", "-0.1", "0.3"]], b1: ["0.1", "0.2"] };
    const num = (x: unknown): unknown => (Array.isArray(x) ? x.map(num) : Number(x));
    const save = (name: string, p: object) => fs.writeFileSync(path.join(dir, name), JSON.stringify(Object.fromEntries(Object.entries(p).map(([k, v]) => [k, num(v)]))));
    save("tA.json", A);
    // Units 0 and 1 share their incoming weights and bias: swapping them is a symmetry, and B is that image.
    save("tB.json", { ...A, W1: A.W1.map((r) => [r[1], r[0], r[2]]) });
    const r = await runCli(["align", "tA.json", "tB.json", "--net", "t.neq:N", "--json"], dir);
    const out = JSON.parse(r.stdout);
    expect([out.verdict, r.code]).toEqual(["undecided", 1]);
    expect(out.undecided).toMatch(/^h1: 2 units of A share their incoming weights and bias with another unit/);
    // A unit with all-zero incoming weights and bias: its scale is free; B scales it by 2.
    const Z = { ...A, W0: [A.W0[0], ["0", "0"], A.W0[2]], b0: ["0.5", "0", "0.3"] };
    save("zA.json", Z);
    save("zB.json", { ...Z, W1: Z.W1.map((r) => [r[0], String(Number(r[1]) / 2), r[2]]) });
    const z = await runCli(["align", "zA.json", "zB.json", "--net", "t.neq:N", "--json"], dir);
    expect([JSON.parse(z.stdout).verdict, JSON.parse(z.stdout).undecided]).toEqual(["undecided", "h1: 1 unit has all-zero incoming weights and bias, so its scale is not determined by them (1 was taken)"]);
    // Negative control: distinct units, and B changes an outgoing weight: the only candidate fails, so not an image.
    const D = { ...A, W0: [A.W0[0], ["0.4", "0.3"], A.W0[2]] };
    save("dA.json", D);
    save("dB.json", { ...D, W1: [D.W1[0], ["0.6", "-0.1", "0.35"]] });
    const d = await runCli(["align", "dA.json", "dB.json", "--net", "t.neq:N", "--json"], dir);
    expect([JSON.parse(d.stdout).verdict, d.code]).toEqual(["not an image", 1]);
  });
  it("negative control: B changed in one entry is not certified and the entry is named", async () => {
    const widths = [3, 4, 5, 2];
    const rng = new Rng(12);
    const A = randomMlp(widths, rng);
    const B = transform(randomGroupElement(widths, "scale", rng), A);
    B.get("W2")![3] = B.get("W2")![3]! * 3;
    fs.writeFileSync(path.join(dir, "A3.safetensors"), mlpSafetensors(widths, A));
    fs.writeFileSync(path.join(dir, "B3.safetensors"), mlpSafetensors(widths, B));
    const r = await runCli(["align", "A3.safetensors", "B3.safetensors", "--net", "net.neq:N", "--json", "--no-cache"], dir);
    const out = JSON.parse(r.stdout);
    expect(r.code).toBe(1);
    expect(out.verdict).toBe("not an image");
    expect(out.exact.first[0].tensor).toBe("W2");
    // The changed entry: flat index 3 of W2 [2, 5] (output rows are never permuted).
    expect(out.exact.first[0].index).toEqual([Math.floor(3 / 5), 3 % 5]);
    expect(out.exact.mismatches).toBe(1);
  }, 120_000);
  it("negative control: a theorem the checker refutes gives no certificate", async () => {
    // Claim positive scaling for tanh: the generator file is refuted, so `proved` is false.
    const text = "network N = mlp(2 -> 3 -> 1, tanh)\n";
    const tanh = elaborate(load("n.neq", text, () => null)).networks.get("N")!.mlp!.activations;
    const g = { widths: [2, 3, 1], layers: [{ layer: 1, perm: [0, 1, 2], scales: [Rational.of(2), Rational.ONE, Rational.ONE] }] };
    const file = theoremFile([2, 3, 1], tanh, g);
    if ("problem" in file) throw new Error(file.problem);
    const forced = { text: file.text.replace("flip N.h1[0]", "scale N.h1[0] by 2"), generators: file.generators };
    const outcome = await proveTheorem(forced.text, forced.generators, resolveOptions({ cache: false }).options);
    expect(outcome.proved).toBe(false);
    const honest = await proveTheorem(file.text, file.generators, resolveOptions({ cache: false }).options);
    expect(honest.proved).toBe(true);
  }, 120_000);
});
