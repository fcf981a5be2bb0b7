/**
 * `neteq spec check`: correct specs (exported by `neteq symmetries --export`) are proved,
 * and each planted bug kind is refuted with a message naming it in the spec's own names.
 */
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

const S = "test/symmetries/specs";
const RC = ["proofs/10_residual_cnn.neq", "RC"];
const LLAMA = ["test/symmetries/networks/llama.neq", "Llama"];
const BERT = ["test/symmetries/networks/bert.neq", "Bert"];
const FLAGS = ["--no-cache", "--timeout", "30", "--jobs", "2"];

const run = (spec: string, net: string[]) => cli(["spec", "check", `${S}/${spec}`, ...net, ...FLAGS]);

describe("spec check", () => {
  it.each([
    ["rc.good.json", RC],
    ["llama.good.mergekit.json", LLAMA],
    ["bert.good.mergekit.json", BERT],
  ])("%s is proved", async (spec, net) => {
    const r = await run(spec, net);
    expect(r.stdout).toContain("the spec is proved");
    expect(r.stdout).not.toMatch(/: (refuted|unknown) \d/);
    expect(r.code).toBe(0);
  }, 180_000);

  it.each([
    ["rc.bn-statistic-unpermuted.json", RC, /P_h_channels: missing axis m1 axis 0 \(a normalisation statistic\)/],
    ["rc.wrong-permutation.json", RC, /P_h_channels: K2 axis 1 is assigned permutation P_s0_channels/],
    ["rc.missing-axis.json", RC, /P_s0_channels: missing axis V axis 1/],
    ["rc.unknown-name.json", RC, /K9: no such parameter in RC/],
    ["llama.up-in-wrong-space.mergekit.json", LLAMA, /P_m_units: Wu axis 0 is assigned permutation P_s0_units/],
    ["bert.norm-unpermuted.mergekit.json", BERT, /P_s0_units: missing axis g1 axis 0/],
  ])("%s is refuted by name", async (spec, net, message) => {
    const r = await run(spec, net);
    expect(r.stdout).toMatch(message);
    expect(r.stdout).toContain("the spec is wrong");
    expect(r.code).toBe(1);
  }, 180_000);

  it("the random instance is refuted by the checker when a statistic is left unpermuted (not only by the name check)", async () => {
    const r = await run("rc.bn-statistic-unpermuted.json", RC);
    expect(r.stdout).toMatch(/the spec with random permutations: refuted/);
  }, 180_000);

  it("input errors exit 2", async () => {
    expect((await cli(["spec", "check", `${S}/missing.json`, ...RC])).code).toBe(2);
    expect((await cli(["spec", "check", "proofs/01_permutation.neq", ...RC])).stderr).toMatch(/CLI003: .*not JSON/);
    expect((await cli(["spec", "verify", `${S}/rc.good.json`, ...RC])).code).toBe(2);
  });
});
