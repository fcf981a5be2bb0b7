/**
 * The certificate for tensor networks and the theorems behind it: `neteq align` certifies a
 * planted image of proofs/10's residual CNN with one whole-group theorem per class; --apply
 * writes exactly B; a changed entry is named (negative control). The whole-group claims fall
 * back to building blocks when they are not proved, and a wrong claim is never counted as
 * proved (negative controls on proveWithFallback).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { permutationClasses } from "../../src/align/classes.ts";
import { verifyTensor } from "../../src/align/permuteTensor.ts";
import { proveWithFallback, tensorBlocks, tensorWholeGroup } from "../../src/align/wholeGroup.ts";
import { importReader } from "../../src/cli/files.ts";
import { resolveOptions } from "../../src/options.ts";
import { exactValues, paramsSafetensors, writePlantedTensor } from "../weights/fixtures/plantedTensor.ts";
import { runCli } from "../weights/runCli.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const RC = path.join(ROOT, "proofs/10_residual_cnn.neq");

describe("the certificate for a residual CNN", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-align-rc-"));
  const planted = writePlantedTensor(dir, RC, "RC", 21);
  it("is given for a planted image, citing one whole-group theorem per moved class", async () => {
    const r = await runCli(["align", "A.safetensors", "B.safetensors", "--net", `${RC}:RC`, "--json", "--no-cache"], dir);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe("functionally identical for all inputs");
    expect(r.code).toBe(0);
    expect(out.g.classes.map((c: { perm: number[] }) => c.perm)).toEqual(planted.g.classes.map((c) => c.perm));
    expect(out.exact.mismatches).toBe(0);
    const moved = planted.g.classes.filter((c) => c.perm.some((p, i) => p !== i)).map((c) => `perm_${c.id}`);
    expect(out.theorem.generators.map((x: { claim: string; verdict: string }) => [x.claim, x.verdict])).toEqual(moved.map((c) => [c, "proved"]));
    expect(out.theorem.file).toMatch(/forall P: perm\(4\)\. RC ~ RC after permute RC\.s0 axis channels by P/);
    const a = await runCli(["align", "--apply", "g.json", "A.safetensors", "--net", `${RC}:RC`, "-o", "A2.safetensors"], dir);
    expect(a.code).toBe(0);
    expect(Buffer.compare(fs.readFileSync(path.join(dir, "A2.safetensors")), fs.readFileSync(path.join(dir, "B.safetensors")))).toBe(0);
  }, 120_000);
  it("negative control: one changed entry is not certified, and the exact check names it", async () => {
    const B = new Map([...planted.B].map(([k, v]) => [k, Float64Array.from(v)]));
    B.get("g2")![2] = Math.fround(B.get("g2")![2]! + 0.125);
    const { classes } = permutationClasses(planted.net);
    const check = verifyTensor(planted.net, classes, planted.g, exactValues(planted.A), exactValues(B));
    expect([check.mismatches, check.first[0]?.tensor, check.first[0]?.index]).toEqual([1, "g2", [2]]);
    fs.writeFileSync(path.join(dir, "B1.safetensors"), paramsSafetensors(planted.net, B));
    const r = await runCli(["align", "A.safetensors", "B1.safetensors", "--net", `${RC}:RC`, "--no-cache"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/functionally identical/);
    expect(r.stdout).toMatch(/verdict: (not an image|image up to)/);
  }, 120_000);
  it("--apply refuses a class the network does not have", async () => {
    fs.writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ classes: [{ id: "nope_0", perm: [0] }] }));
    const r = await runCli(["align", "--apply", "bad.json", "A.safetensors", "--net", `${RC}:RC`, "-o", "A3.safetensors"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^neteq: error CLI001: --apply bad.json: class nope_0 is not a permutation class/);
  });
});

describe("whole-group theorems with building-block fallback", () => {
  const options = resolveOptions({ cache: false }).options;
  const read = importReader(ROOT);
  const setup = () => {
    const net = writePlantedTensor(fs.mkdtempSync(path.join(os.tmpdir(), "neteq-wg-")), RC, "RC", 4).net;
    const { classes } = permutationClasses(net);
    const g = { classes: classes.map((c) => ({ id: c.id, where: c.where, perm: [1, 0, 2, 3] })) };
    return { classes, g };
  };
  it("proves one whole-group claim per class; a claim moving one parameter axis alone is refuted (negative control)", async () => {
    const { classes, g } = setup();
    const whole = tensorWholeGroup("RC", "./proofs/10_residual_cnn.neq", classes, g);
    const ok = await proveWithFallback(whole, () => ({ problem: "no fallback" }), options, read);
    expect([ok.proved, ok.generators.map((x) => x.verdict)]).toEqual([true, ["proved", "proved"]]);
    const broken = { ...whole, text: whole.text.replace("permute RC.h axis channels by P", "permute axis 0 of RC.K1 by P") };
    const bad = await proveWithFallback(broken, () => ({ problem: "no fallback" }), options, read);
    expect(bad.proved).toBe(false);
    expect(bad.generators.find((x) => x.unit === "h_0")!.verdict).toBe("refuted");
  }, 120_000);
  it("a failed whole-group claim falls back to a transposition and a cycle; wrong blocks are not enough (negative control)", async () => {
    const { classes, g } = setup();
    const whole = tensorWholeGroup("RC", "./proofs/10_residual_cnn.neq", classes, g);
    const broken = { ...whole, text: whole.text.replace("permute RC.h axis channels by P", "permute axis 0 of RC.K1 by P") };
    const fixed = await proveWithFallback(broken, (units) => tensorBlocks("RC", "./proofs/10_residual_cnn.neq", classes, units), options, read);
    expect(fixed.proved).toBe(true);
    expect(fixed.generators.filter((x) => x.unit === "h_0").map((x) => [x.claim, x.verdict])).toEqual([["perm_h_0", "refuted"], ["swap_h_0", "proved"], ["cycle_h_0", "proved"]]);
    const wrongBlocks = await proveWithFallback(broken, (units) => {
      const b = tensorBlocks("RC", "./proofs/10_residual_cnn.neq", classes, units);
      return { ...b, text: b.text.replace("permute RC.h axis channels by (0 1)", "permute axis 1 of RC.K2 by (0 1)") };
    }, options, read);
    expect(wrongBlocks.proved).toBe(false);
  }, 120_000);
});
