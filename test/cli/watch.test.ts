/**
 * `neteq check --watch`: after the first run, a change to a file re-checks that file only,
 * a change to an import re-checks the files that import it, and new files are checked.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { claimSelector } from "../../src/cli/select.ts";
import { watchCommand } from "../../src/cli/watch.ts";
import { resolveOptions } from "../../src/options.ts";

const NET = `import "lib.neq"\nnetwork R = mlp(2 -> 3 -> 1, act)\n`;

describe("--watch", () => {
  it("re-checks exactly the files whose text or imports changed", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-watch-"));
    fs.writeFileSync(path.join(dir, "lib.neq"), "activation act\n");
    fs.writeFileSync(path.join(dir, "a.neq"), `${NET}theorem a_perm: R ~ R after permute R.h1 by (0 1)\n`);
    fs.writeFileSync(path.join(dir, "b.neq"), "network Q = mlp(2 -> 2 -> 1, relu)\ntheorem b_perm: Q ~ Q after permute Q.h1 by (0 1)\n");
    let stdout = "";
    let stderr = "";
    const io = { stdout: (s: string) => void (stdout += s), stderr: (s: string) => void (stderr += s), tty: false, cwd: dir };
    const options = resolveOptions({ cache: false, jobs: 1, reporter: "pretty" }, dir).options;
    const stop = new AbortController();
    const done = watchCommand(["."], [], options, io, claimSelector([], null, dir).select, stop.signal);
    /** Wait until stdout has `n` summary lines. */
    const runs = async (n: number) => {
      for (let i = 0; i < 600 && (stdout.match(/^\d+ claims?: /gm) ?? []).length < n; i++) await new Promise((r) => setTimeout(r, 50));
      expect((stdout.match(/^\d+ claims?: /gm) ?? []).length).toBe(n);
      const all = stdout.split(/^neteq · /m);
      return all[all.length - 1]!;
    };
    try {
      const first = await runs(1);
      expect(first).toContain("✓ a_perm");
      expect(first).toContain("✓ b_perm");
      expect(stderr).toContain("watching 3 files");

      // A's own text: only a.neq is checked again; the new claim is false and refuted.
      fs.appendFileSync(path.join(dir, "a.neq"), "theorem a_rows: R ~ R after permute rows of R.W0 by (0 1)\n");
      const second = await runs(2);
      expect(second).toContain("✗ a_rows");
      expect(second).not.toContain("b_perm");
      expect(stderr).toContain("changed (or their imports did): a.neq;");

      // The import: a.neq (and lib.neq itself) are checked again, b.neq is not.
      fs.writeFileSync(path.join(dir, "lib.neq"), "activation act : odd\n");
      const third = await runs(3);
      expect(third).toContain("a_perm");
      expect(third).not.toContain("b_perm");

      // A new file is checked.
      fs.writeFileSync(path.join(dir, "c.neq"), "network C = mlp(2 -> 2 -> 1, tanh)\ntheorem c_flip: C ~ C after flip C.h1[0]\n");
      const fourth = await runs(4);
      expect(fourth).toContain("✓ c_flip");
      expect(fourth).not.toContain("a_perm");
    } finally {
      stop.abort();
    }
    expect(await done).toBe(0);
  }, 120_000);
});
