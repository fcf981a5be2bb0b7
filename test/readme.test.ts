/**
 * The README's examples run: every ```neq block is a complete proof file whose claims all
 * meet their expectations, and every `npx neteq ...` line of a ```sh block succeeds.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkWith } from "../src/check.ts";
import { resolveOptions } from "../src/options.ts";
import { Session } from "../src/session.ts";
import { cli, ROOT } from "./helpers/cli.ts";

const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const blocks = (lang: string) => [...readme.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);

const session = new Session(resolveOptions({ jobs: 2, cache: false }).options);
afterAll(() => session.close());

describe("README", () => {
  const neq = blocks("neq");
  it("has examples", () => expect(neq.length).toBeGreaterThanOrEqual(6));
  neq.forEach((text, k) => {
    it(`neq example ${k + 1} checks as its claims expect`, async () => {
      const r = await checkWith(session, [{ path: path.join(ROOT, `README-example-${k + 1}.neq`), text }]);
      const f = r.files[0]!;
      expect(f.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(f.claims.filter((c) => !c.ok).map((c) => `${c.name}: ${c.verdict} ${c.reason ?? ""}`)).toEqual([]);
    }, 120_000);
  });

  const lines = blocks("sh")
    .flatMap((b) => b.split("\n"))
    .map((l) => l.replace(/#.*$/, "").trim());
  const commands = lines.filter((l) => l.startsWith("npx neteq "));
  it("has command lines", () => expect(commands.length).toBeGreaterThanOrEqual(3));
  // Fixture scripts the README runs before a command (e.g. a planted checkpoint), in order.
  for (const line of lines.filter((l) => l.startsWith("node --import tsx test/"))) {
    it(`\`${line}\` succeeds`, () => {
      const args = line.replace(/^node /, "").split(/\s+/);
      expect(() => execFileSync(process.execPath, args, { cwd: ROOT, stdio: "pipe" })).not.toThrow();
    }, 120_000);
  }
  for (const line of commands) {
    it(`\`${line}\` succeeds`, async () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-readme-"));
      const args = line
        .replace(/^npx neteq /, "")
        .replace(/\s*>.*$/, "")
        .split(/\s+/)
        .map((a, i, all) => (all[i - 1] === "--plot" ? path.join(out, a) : a));
      const r = await cli(args);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    }, 120_000);
  }
});
