/**
 * The generated parser must match grammar/neteq.ne: regenerate it and compare.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "../helpers/cli.ts";

it("src/syntax/generated/grammar.ts is fresh (run `npm run grammar` after editing grammar/)", () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "neteq-grammar-")), "grammar.ts");
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/nearley/bin/nearleyc.js"), path.join(ROOT, "grammar/neteq.ne"), "-o", out], { stdio: "pipe" });
  const committed = fs.readFileSync(path.join(ROOT, "src/syntax/generated/grammar.ts"), "utf8");
  expect(fs.readFileSync(out, "utf8")).toBe(committed);
  expect(committed).toContain("GENERATED from grammar/neteq.ne");
});
