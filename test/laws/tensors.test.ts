/**
 * The soundness laws on random small tensor networks (tensorCases.ts): convolutions with
 * padding, strides and batch normalisation; attention with heads, layer normalisation and
 * causal masks; their valid actions (channel and head permutations, per-channel scaling and
 * flips, the query/key action of an invertible matrix) are never refuted, and a breakage is
 * never proved. Negative controls (must fail) show the laws are not vacuous.
 */
import { afterAll, describe, it } from "vitest";
import { resolveOptions } from "../../src/options.ts";
import { Session } from "../../src/session.ts";
import { renderTensor, tensorBrokenArb, tensorValidArb } from "./tensorCases.ts";
import { lawAsync, negativeControlAsync, verdictOf } from "./law.ts";

const session = new Session(resolveOptions({ timeout: 20, jobs: 2, cache: false }).options);
afterAll(() => session.close());

const verdict = (text: string) => verdictOf(session, text);

describe("soundness laws on tensor networks", () => {
  it("valid actions are never refuted", async () => {
    await lawAsync("valid tensor symmetries are never refuted", tensorValidArb, async (c) => (await verdict(renderTensor(c))) !== "refuted", { numRuns: 20 });
  }, 300_000);

  it("breakages are never proved", async () => {
    await lawAsync("broken tensor symmetries are never proved", tensorBrokenArb, async (c) => (await verdict(renderTensor(c, "refute"))) !== "proved", { numRuns: 20 });
  }, 300_000);

  it("negative control: breakages do get refuted", async () => {
    await negativeControlAsync("'never refuted' on broken tensor networks", tensorBrokenArb, async (c) => (await verdict(renderTensor(c, "refute"))) !== "refuted", { numRuns: 10 });
  }, 300_000);

  it("negative control: valid actions do get proved", async () => {
    await negativeControlAsync("'never proved' on valid tensor networks", tensorValidArb, async (c) => (await verdict(renderTensor(c))) !== "proved", { numRuns: 10 });
  }, 300_000);
});
