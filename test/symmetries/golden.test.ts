/**
 * Golden tests of `neteq symmetries`: the generator table of every proofs/ network with a
 * hidden layer (but R of proofs/12, whose 4 x 4 value/output action the solver does not
 * decide in reasonable time) and of a small ResNet, VGG, BERT layer and Llama block; the
 * JSON and --emit neq outputs; usage errors. Times and versions are normalised.
 * `UPDATE_GOLDEN=1 npx vitest run test/symmetries` rewrites the expected files
 * (test/golden/expected/symmetries.*.txt); review the diff like code.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cli, normalise, ROOT } from "../helpers/cli.ts";

const EXPECTED = path.join(ROOT, "test/golden/expected");
const NETS = "test/symmetries/networks";
const FLAGS = ["--no-cache", "--timeout", "20", "--jobs", "2"];

const render = (args: readonly string[], r: { code: number; stdout: string; stderr: string }) => normalise(`$ neteq ${args.join(" ")}\nexit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`);

function golden(name: string, actual: string): void {
  const file = path.join(EXPECTED, `symmetries.${name}.txt`);
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, actual);
  expect(actual).toBe(fs.readFileSync(file, "utf8"));
}

const tables: Record<string, [string, string]> = {
  "01-D2": ["proofs/01_permutation.neq", "D2"],
  "02-R2": ["proofs/02_relu_scaling.neq", "R2"],
  "02-L": ["proofs/02_relu_scaling.neq", "L"],
  "03-T2": ["proofs/03_tanh_flip.neq", "T2"],
  "04-S": ["proofs/04_sigmoid_flip.neq", "S"],
  "05-Res": ["proofs/05_residual.neq", "Res"],
  "07-G": ["proofs/07_properties_and_maps.neq", "G"],
  "07-P": ["proofs/07_properties_and_maps.neq", "P"],
  "09-C": ["proofs/09_cnn.neq", "C"],
  "09-I": ["proofs/09_cnn.neq", "I"],
  "10-RC": ["proofs/10_residual_cnn.neq", "RC"],
  "11-T": ["proofs/11_transformer.neq", "T"],
  "12-A": ["proofs/12_attention_actions.neq", "A"],
  "12-AB": ["proofs/12_attention_actions.neq", "AB"],
  "13-Llama": ["proofs/13_llama.neq", "Llama"],
  resnet: [`${NETS}/resnet.neq`, "ResNet"],
  vgg: [`${NETS}/vgg.neq`, "VGG"],
  bert: [`${NETS}/bert.neq`, "Bert"],
  llama: [`${NETS}/llama.neq`, "Llama"],
};

describe("golden: neteq symmetries", () => {
  for (const [name, [file, net]] of Object.entries(tables)) {
    it(name, async () => {
      const args = ["symmetries", file, net, ...FLAGS];
      golden(name, render(args, await cli(args)));
    }, 240_000);
  }

  it("json", async () => {
    const args = ["symmetries", "proofs/03_tanh_flip.neq", "T", "--json", ...FLAGS];
    golden("json", render(args, await cli(args)).replace(/"ms": \d+/g, '"ms": 0'));
  }, 120_000);

  it("emit neq, and the emitted file is proved by neteq check", async () => {
    const args = ["symmetries", "proofs/04_sigmoid_flip.neq", "S", "--emit", "neq", ...FLAGS];
    const r = await cli(args);
    golden("emit", render(args, r));
    // Written next to the network's file, the emitted text is a proof file of its own.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-emit-"));
    const out = path.join(dir, "S.neq");
    const written = await cli(["symmetries", path.join(ROOT, "proofs/04_sigmoid_flip.neq"), "S", "--emit", "neq", "-o", out, ...FLAGS]);
    expect(written.code).toBe(0);
    const checked = await cli(["check", "--no-cache", out]);
    expect(checked.stdout).toMatch(/claims: (\d+) ok, 0 failed/);
    expect(checked.code).toBe(0);
    expect(fs.readFileSync(out, "utf8")).toContain("theorem derived_sigmoid_flip_h1_0");
  }, 240_000);

  it("usage errors", async () => {
    const runs = [
      ["symmetries"],
      ["symmetries", "proofs/01_permutation.neq"],
      ["symmetries", "proofs/01_permutation.neq", "Nope"],
      ["symmetries", "proofs/missing.neq", "N"],
      ["symmetries", "proofs/01_permutation.neq", "D1", "--emit", "onnx"],
      ["symmetries", "proofs/01_permutation.neq", "D1", "--export", "flax"],
      ["symmetries", "proofs/01_permutation.neq", "D1", "-o", "x.neq"],
      ["symmetries", "proofs/01_permutation.neq", "D1", "--timeout", "-1"],
      ["symmetries", "test/golden/cases/ELB001.neq", "N"],
    ];
    const out: string[] = [];
    for (const args of runs) out.push(render(args, await cli(args)));
    golden("usage", out.join("\n"));
  }, 60_000);
});
