/**
 * The usage text lives in src/cli/usage.txt (bin.mjs prints it without loading the
 * TypeScript sources): its defaults must be the ones options.ts uses, and the fast path of
 * bin.mjs must print the same text and version as the full CLI.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CACHE_DIR, DEFAULT_SEED, DEFAULT_TIMEOUT_S } from "../../src/options.ts";
import { cli, ROOT } from "../helpers/cli.ts";

const usage = fs.readFileSync(path.join(ROOT, "src/cli/usage.txt"), "utf8");
const version = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version as string;
const bin = (args: string[]) => execFileSync(process.execPath, [path.join(ROOT, "src/cli/bin.mjs"), ...args], { encoding: "utf8" });

describe("usage text", () => {
  it("states the defaults options.ts uses", () => {
    expect(usage).toContain(`(default ${DEFAULT_TIMEOUT_S})`);
    expect(usage).toContain(`(default ${DEFAULT_SEED})`);
    expect(usage).toContain(`(default ${DEFAULT_CACHE_DIR})`);
  });

  it("bin.mjs's fast path prints what the full CLI prints", async () => {
    expect(bin(["--help"])).toBe((await cli(["--help"])).stdout);
    expect(bin(["--version"])).toBe(`neteq ${version}\n`);
    expect((await cli(["--version"])).stdout).toBe(`neteq ${version}\n`);
    // Control: a command's own --help goes through the full CLI and prints the same text.
    expect(bin(["check", "--help"])).toBe(usage);
  });
});
