/**
 * `neteq certify` and `neteq recheck` end to end: certificates of a small proof file are
 * re-checked unsat by native z3 and cvc5; a tampered file is rejected by its hash; a
 * satisfiable or vacuous certificate made by hand is reported as not unsat by both solvers;
 * a missing solver is a usage error. Native solvers are required, never skipped: .ci/run
 * installs them before the tests.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../src/certify/certify.ts";
import type { Manifest } from "../../src/certify/manifest.ts";
import { findSolver } from "../../src/certify/native.ts";
import { cli } from "../helpers/cli.ts";

const FILES = ["test/golden/cases/verdicts.neq", "test/golden/cases/unknown.neq"];

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `neteq-${name}-`));
const readManifest = (dir: string): Manifest => JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));

/** A copy of a certificate folder, to spoil without touching the original. */
function copy(dir: string): string {
  const to = tmp("cert-copy");
  fs.cpSync(dir, to, { recursive: true });
  return to;
}

/** Add a hand-made certificate file, with its correct hash, as the only obligation of a claim. */
function addByHand(dir: string, claim: string, text: string): void {
  const hash = sha256(text);
  const file = `obligations/${hash.slice(0, 16)}.smt2`;
  fs.writeFileSync(path.join(dir, file), text);
  const m = readManifest(dir);
  const claims = [...m.claims, { ...m.claims[0]!, claim, obligations: [{ id: `${claim}/by-hand`, statement: "made by hand", file, sha256: hash, covers: [] }] }];
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ ...m, claims }, null, 2));
}

let certs = "";

beforeAll(async () => {
  for (const name of ["z3", "cvc5"] as const) {
    expect(await findSolver(name), `${name} is not on PATH: these tests need native solvers; install them with apt-get install z3 cvc5 (.ci/run does)`).not.toBeNull();
  }
  certs = path.join(tmp("certs"), "out");
  const r = await cli(["certify", "--no-cache", ...FILES, "-o", certs]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
}, 120_000);

describe("neteq certify", () => {
  it("certifies every proved claim, with the obligations of the strategy that proved it", () => {
    const m = readManifest(certs);
    expect(m.claims.map((c) => [c.claim, c.strategy])).toEqual([
      ["permutation", "compositional"],
      ["relu_rescale", "compositional"],
      // auto: the compositional strategy fails on a rotation, the monolithic one proves it;
      // the certificate holds the monolithic obligation only.
      ["rotation", "monolithic"],
    ]);
    expect(m.claims[2]!.obligations.map((o) => o.id)).toEqual(["rotation/monolithic"]);
    for (const c of m.claims) {
      for (const o of c.obligations) {
        const text = fs.readFileSync(path.join(certs, o.file), "utf8");
        expect(sha256(text)).toBe(o.sha256);
        expect(o.file).toBe(`obligations/${o.sha256.slice(0, 16)}.smt2`);
        expect(o.id.startsWith(`${c.claim}/${c.strategy}`)).toBe(true);
      }
    }
    // Refuted claims have witnesses, not certificates.
    expect(m.claims.some((c) => c.claim === "rows_only" || c.claim === "tanh_scaling")).toBe(false);
  });

  it("adds, for a proof from a user activation's axioms, the obligation that shows them consistent", async () => {
    const dir = path.join(tmp("axioms"), "out");
    const r = await cli(["certify", "--no-cache", "--filter", "every_sigmoidal", "proofs/07_properties_and_maps.neq", "-o", dir]);
    expect(r.code).toBe(0);
    const [c] = readManifest(dir).claims;
    expect(c!.axiomsUsed).toEqual(["reflection"]);
    const admit = c!.obligations.filter((o) => o.id.startsWith("any_sigmoidal/admit/"));
    expect(admit.map((o) => o.statement)).toEqual([expect.stringMatching(/ satisfies the axioms of any_sigmoidal$/)]);
    expect(c!.rule).toContain("a concrete function satisfies the axioms");
    const again = await cli(["recheck", dir]);
    expect(again.stdout).toMatch(/1 claim: 1 rechecked, 0 failed/);
    expect(again.code).toBe(0);
    // Claims from built-in axioms only (tanh is odd) need no such obligation.
    expect(readManifest(certs).claims.flatMap((k) => k.obligations).some((o) => o.id.includes("/admit/"))).toBe(false);
  }, 120_000);

  it("writes the same certificates when obligations come from the cache", async () => {
    const cacheDir = tmp("cache");
    const a = path.join(tmp("a"), "out");
    const b = path.join(tmp("b"), "out");
    expect((await cli(["certify", "--cache-dir", cacheDir, ...FILES, "-o", a])).code).toBe(0);
    const second = await cli(["certify", "--cache-dir", cacheDir, ...FILES, "-o", b]);
    expect(second.stdout).toContain("cached");
    expect(fs.readFileSync(path.join(b, "manifest.json"), "utf8")).toBe(fs.readFileSync(path.join(a, "manifest.json"), "utf8"));
    expect(fs.readFileSync(path.join(a, "manifest.json"), "utf8")).toBe(fs.readFileSync(path.join(certs, "manifest.json"), "utf8"));
  }, 120_000);

  it("refuses to write into a folder that is not empty and not a certificate folder", async () => {
    const dir = tmp("busy");
    fs.writeFileSync(path.join(dir, "notes.txt"), "mine");
    const r = await cli(["certify", "--no-cache", FILES[0]!, "-o", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is not empty and holds no manifest.json");
    expect(fs.readFileSync(path.join(dir, "notes.txt"), "utf8")).toBe("mine");
  });
});

describe("neteq recheck", () => {
  it("re-checks every certificate unsat with native z3 and with cvc5", async () => {
    for (const solver of ["z3", "cvc5", "all"]) {
      const r = await cli(["recheck", certs, "--solver", solver]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(/3 claims: 3 rechecked, 0 failed/);
      expect(r.code).toBe(0);
    }
  }, 120_000);

  it("rejects a tampered certificate by its hash, without running it", async () => {
    const dir = copy(certs);
    const o = readManifest(dir).claims[1]!.obligations[0]!;
    const file = path.join(dir, o.file);
    // Weaken the goal to `false`: trivially unsat, so only the hash can catch it.
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/\(assert \(! .* :named goal\)\)/, "(assert (! false :named goal))"));
    const r = await cli(["recheck", dir, "--solver", "z3"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${o.file}: hash mismatch`);
    expect(r.stdout).toMatch(/3 claims: 2 rechecked, 1 failed/);
  }, 60_000);

  it("reports a satisfiable certificate made by hand as not unsat, with both solvers", async () => {
    const dir = copy(certs);
    addByHand(dir, "false_claim", [
      "(set-option :produce-unsat-cores true)",
      "(set-logic ALL)",
      "(declare-fun |W0[0,0]| () Real)",
      "(declare-fun |x[0]| () Real)",
      "(assert (! (not (= (* |W0[0,0]| |x[0]|) |x[0]|)) :named goal))",
      "(check-sat)",
      '(echo "@core")',
      "(get-unsat-core)",
      "",
    ].join("\n"));
    const r = await cli(["recheck", dir, "--solver", "all"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("z3 answered sat");
    expect(r.stdout).toContain("cvc5 answered sat");
    expect(r.stdout).toMatch(/4 claims: 3 rechecked, 1 failed/);
  }, 60_000);

  it("reports an unsat certificate whose goal is not in the core as vacuous, with both solvers", async () => {
    const dir = copy(certs);
    addByHand(dir, "vacuous_claim", [
      "(set-option :produce-unsat-cores true)",
      "(set-logic ALL)",
      "(declare-fun |c| () Real)",
      "(declare-fun |d| () Real)",
      "(assert (! (> |c| 0.0) :named a0))",
      "(assert (! (< |c| 0.0) :named a1))",
      "(assert (! (> |d| 0.0) :named goal))",
      "(check-sat)",
      '(echo "@core")',
      "(get-unsat-core)",
      "",
    ].join("\n"));
    const r = await cli(["recheck", dir]);
    expect(r.code).toBe(1);
    // The side conditions contradict each other and the goal is satisfiable on its own:
    // unsat, but not because of the goal.
    expect(r.stdout).toContain("z3 answered vacuous");
    expect(r.stdout).toContain("cvc5 answered vacuous");
    expect(r.stdout).toMatch(/4 claims: 3 rechecked, 1 failed/);
  }, 60_000);

  it("fails with a usage error, not a pass, when a solver is missing", async () => {
    const saved = process.env.PATH;
    process.env.PATH = tmp("empty-path");
    try {
      const r = await cli(["recheck", certs, "--solver", "cvc5"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("cvc5 is not on PATH; install it: apt-get install z3 cvc5");
    } finally {
      process.env.PATH = saved;
    }
  });

  it("fails when a file named by the manifest is missing", async () => {
    const dir = copy(certs);
    const o = readManifest(dir).claims[0]!.obligations[0]!;
    fs.rmSync(path.join(dir, o.file));
    const r = await cli(["recheck", dir, "--solver", "z3"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${o.file}: missing`);
  });
});
