/**
 * When B is not g A, align reports the largest output difference it finds by evaluating both
 * checkpoints in float64, labelled as evidence (not a proof). A single perturbed entry is
 * named by the exact check and gives a non-zero output difference; negative control: for an
 * exact image the same search finds no difference beyond float rounding.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { permutationClasses } from "../../src/align/classes.ts";
import { aimedInputs, MAX_PAIRS, outputDifference } from "../../src/align/difference.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { exactValues, networkOf, paramsSafetensors, permuteParams, randomParams, randomTensorGroup } from "../weights/fixtures/plantedTensor.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { runCli } from "../weights/runCli.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const CNN = path.join(ROOT, "proofs/09_cnn.neq");
const net = networkOf(CNN, fs.readFileSync(CNN, "utf8"), "C");
const { classes } = permutationClasses(net);
const rng = new Rng(31);
const A = randomParams(net, rng);
const g = randomTensorGroup(classes, rng);
const B = permuteParams(net, classes, g, A);

describe("the output difference of a checkpoint that is not an image", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-align-diff-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  it("a perturbed entry is named with its location, and A and B are shown to compute differently", async () => {
    const B1 = new Map([...B].map(([k, v]) => [k, Float64Array.from(v)]));
    B1.get("K2")![5] = Math.fround(B1.get("K2")![5]! + 1);
    fs.writeFileSync(path.join(dir, "A.safetensors"), paramsSafetensors(net, A));
    fs.writeFileSync(path.join(dir, "B1.safetensors"), paramsSafetensors(net, B1));
    const r = await runCli(["align", "A.safetensors", "B1.safetensors", "--net", `${CNN}:C`, "--json", "--no-cache"], dir);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).not.toMatch(/identical/);
    const d = out.outputDifference;
    expect(d.kind).toBe("float64 evaluation: evidence of a difference, not a proof");
    expect(d.largest).toBeGreaterThan(1e-6);
    expect(Math.abs(d.a - d.b)).toBe(d.largest);
    expect(d.input).toHaveLength(2 * 6 * 6);
    expect(d.evaluations).toBeLessThanOrEqual(MAX_PAIRS);
    const t = await runCli(["align", "A.safetensors", "B1.safetensors", "--net", `${CNN}:C`, "--no-cache"], dir);
    // The colours no longer match, so the location comes from the nearest g, checked exactly.
    expect(out.near.check.mismatches).toBe(1);
    expect(out.near.check.first[0]).toMatchObject({ tensor: "K2", index: [0, 0, 1, 2] });
    expect(t.stdout).toMatch(/^  K2\[0, 0, 1, 2\]: g A has \S+, B has \S+$/m);
    expect(t.stdout).toMatch(/^largest output difference found \(float64 evaluation: evidence of a difference, not a proof\): \|f_A - f_B\| = \S+ at output entry \d/m);
  }, 120_000);
  it("a perturbed bias is seen by the evaluation", () => {
    const B1 = new Map([...B].map(([k, v]) => [k, Float64Array.from(v)]));
    B1.get("b2")![1] = Math.fround(B1.get("b2")![1]! + 0.5);
    const d = outputDifference(net, exactValues(A), exactValues(B1), []);
    expect("largest" in d && d.largest > 0).toBe(true);
  });
  it("aims inputs at a mismatched entry that reads the input: its input channel (a filter) or column (a dense weight)", () => {
    const mismatch = (tensor: string, index: number[]) => ({ tensor, index, expected: Rational.ONE, found: Rational.ZERO });
    expect(aimedInputs(net, [mismatch("K1", [2, 1, 0, 2])]).map((a) => a.fixed)).toEqual([[1, -1, -1]]);
    const mlp = networkOf("m.neq", "network M = mlp(4 -> 3 -> 2, relu)", "M");
    expect(aimedInputs(mlp, [mismatch("W0", [2, 3])]).map((a) => a.fixed)).toEqual([[3]]);
    // Control: a parameter that does not read the input gives no aimed input.
    expect(aimedInputs(net, [mismatch("K2", [0, 0, 0, 0])])).toEqual([]);
  });
  it("negative control: for B = g A exactly, the same search finds nothing beyond float rounding", () => {
    const d = outputDifference(net, exactValues(A), exactValues(B), []);
    expect("largest" in d && d.largest < 1e-9).toBe(true);
  });
});
