/**
 * Regressions from issue 7, section 1: a name, a line or a base name must never stand for
 * the identity of a declaration. Each case once got a wrong verdict.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

/** Write `files` (relative paths, folders created) into a fresh folder; run `neteq check` on `args` there. */
export async function checkTree(files: Record<string, string>, args: readonly string[]): Promise<Record<string, { verdict: string; reason?: string }>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-identity-"));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  const r = await cli(["check", "--reporter", "json", ...args], dir);
  const out: Record<string, { verdict: string; reason?: string }> = {};
  for (const f of JSON.parse(r.stdout).files) for (const c of f.claims) out[`${f.path}:${c.name}`] = { verdict: c.verdict, reason: c.reason ?? undefined };
  return out;
}

// Each declaration of g sits on line 1 of a file called lemmas.neq, in different folders:
// under the old key (name@basename:line) all three were one activation.
const A = "activation g { axiom reflection: forall z: g(-z) = 1 - g(z) }\nnetwork A = mlp(1 -> 2 -> 1, g)\ntheorem t: A ~ A after flip A.h1[0] with bias correction\n";
const B = "activation g { axiom oddness: forall z: g(-z) = -g(z) }\nnetwork B = mlp(1 -> 2 -> 1, g)\ntheorem u: B ~ B after flip B.h1[0]\n";
const C = "activation g { axiom reflection: forall z: g(-z) = 1 - g(z); axiom oddness: forall z: g(-z) = -g(z) }\nnetwork C = mlp(1 -> 2 -> 1, g)\ntheorem v: C ~ C after flip C.h1[0]\n";

describe("declarations are identified by where they are, never by name, line or base name", () => {
  it("same file name and line in two folders: each file keeps its own activation (issue 7 reproducer)", async () => {
    const v = await checkTree({ "a/lemmas.neq": A, "b/lemmas.neq": B }, ["--no-cache", "a", "b"]);
    expect(v["a/lemmas.neq:t"]?.verdict).toBe("proved");
    expect(v["b/lemmas.neq:u"]?.verdict).toBe("proved");
  }, 60_000);

  it("contradictory axioms do not inherit another file's realisations: the proof is vacuous, so unknown", async () => {
    const v = await checkTree({ "a/lemmas.neq": A, "c/lemmas.neq": C }, ["--no-cache", "a", "c"]);
    expect(v["c/lemmas.neq:v"]?.verdict).toBe("unknown");
    expect(v["c/lemmas.neq:v"]?.reason).toMatch(/vacuous/);
  }, 60_000);

  it("the same claims get the same verdicts checked together as checked alone, in either order", async () => {
    const files = { "a/lemmas.neq": A, "b/lemmas.neq": B, "c/lemmas.neq": C };
    const together = await checkTree(files, ["--no-cache", "c", "b", "a"]);
    const alone = { ...(await checkTree(files, ["--no-cache", "a"])), ...(await checkTree(files, ["--no-cache", "b"])), ...(await checkTree(files, ["--no-cache", "c"])) };
    const verdicts = (r: typeof alone) => Object.fromEntries(Object.entries(r).map(([k, x]) => [k, x.verdict]));
    expect(verdicts(together)).toEqual(verdicts(alone));
    expect(Object.keys(alone)).toHaveLength(3);
  }, 120_000);
});
