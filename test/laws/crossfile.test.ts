/**
 * The cross-file law (issue 7): the same claims checked together in one run and each file
 * alone in a run of its own get the same verdicts, in any order. The files are made to
 * collide on everything that is not identity: the same base name, the same activation name
 * on the same line, different axioms.
 */
import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { check, checkWith } from "../../src/check.ts";
import { resolveOptions } from "../../src/options.ts";
import { Session } from "../../src/session.ts";
import { lawAsync, negativeControlAsync } from "./law.ts";

/** Axiom sets for `g` (one line each); the last contradicts itself. */
const DECLS = [
  "activation g { axiom oddness: forall z: g(-z) = -g(z) }",
  "activation g { axiom reflection: forall z: g(-z) = 1 - g(z) }",
  "activation g : positively_homogeneous",
  "activation g",
  "activation g { axiom reflection: forall z: g(-z) = 1 - g(z); axiom oddness: forall z: g(-z) = -g(z) }",
];
/** Claims about `N = mlp(1 -> 2 -> 1, g)`; each is true for some declarations and false for others. */
const CLAIMS = ["flip N.h1[0]", "flip N.h1[0] with bias correction", "permute N.h1 by (0 1)", "scale N.h1[1] by 3"];

interface File {
  readonly folder: string;
  readonly decl: number;
  readonly claim: number;
}

const filesArb = fc.uniqueArray(fc.record({ folder: fc.constantFrom("a", "b", "c", "d"), decl: fc.integer({ min: 0, max: DECLS.length - 1 }), claim: fc.integer({ min: 0, max: CLAIMS.length - 1 }) }), {
  minLength: 2,
  maxLength: 3,
  selector: (f) => f.folder,
});

const text = (f: File, decl = DECLS[f.decl]!) => `${decl}\nnetwork N = mlp(1 -> 2 -> 1, g)\ntheorem t: N ~ N after ${CLAIMS[f.claim]}\n`;
const source = (f: File, decl?: string) => ({ path: `${f.folder}/lemmas.neq`, text: text(f, decl) });

const { options } = resolveOptions({ cache: false, jobs: 1, timeout: 20 });
const shared = new Session(options);
afterAll(() => shared.close());

const verdicts = (r: Awaited<ReturnType<typeof check>>) => Object.fromEntries(r.files.flatMap((f) => f.claims.map((c) => [`${f.path}:${c.name}`, c.verdict])));

/** Each file alone, in a run (and a session) of its own. */
async function alone(files: readonly File[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of files) Object.assign(out, verdicts(await check([source(f)], options)));
  return out;
}

const same = (a: Record<string, string>, b: Record<string, string>) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

describe("cross-file law", () => {
  it("claims checked together, in either order, get the verdicts they get alone", async () => {
    await lawAsync(
      "verdicts do not depend on the other files of the run",
      filesArb,
      async (files) => {
        const separately = await alone(files);
        const together = verdicts(await checkWith(shared, files.map((f) => source(f))));
        const reversed = verdicts(await checkWith(shared, [...files].reverse().map((f) => source(f))));
        return same(together, separately) && same(reversed, separately);
      },
      { numRuns: 8 },
    );
  }, 300_000);

  it("negative control: confusing the files' activations (as one key for all did) changes verdicts", async () => {
    // The broken run gives every file the first file's declaration of g, which is what
    // sharing one activation key across the files amounted to.
    await negativeControlAsync(
      "verdicts survive confusing same-named activations",
      filesArb,
      async (files) => {
        const separately = await alone(files);
        const confused = verdicts(await checkWith(shared, files.map((f) => source(f, DECLS[files[0]!.decl]))));
        return same(confused, separately);
      },
      { numRuns: 20 },
    );
  }, 300_000);
});
