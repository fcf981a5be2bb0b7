/**
 * Golden tests of `neteq certify` and `neteq recheck`: the command outputs with exit codes,
 * the manifest, and the certificate files themselves. Volatile parts (the temporary folder,
 * times, solver versions) are normalised. `UPDATE_GOLDEN=1 npx vitest run test/golden -t
 * <name>` rewrites the matching goldens; review the diff like code. Native z3 and cvc5 must
 * be on PATH (.ci/run installs them).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, normalise, ROOT } from "../helpers/cli.ts";

const CASES = "test/golden/cases";
const EXPECTED = path.join(ROOT, "test/golden/expected");
const FILES = [`${CASES}/verdicts.neq`, `${CASES}/unknown.neq`];

let dir = "";
/** The certify run every golden here starts from (in beforeAll, so that `-t <name>` works for each). */
let certified: { code: number; stdout: string; stderr: string };

const clean = (text: string) =>
  normalise(text.split(dir).join("<dir>"))
    .replace(/\b(z3|cvc5) \d+\.\d+\.\d+\b/g, "$1 <version>");

const render = (args: string[], r: { code: number; stdout: string; stderr: string }) => clean(`$ neteq ${args.join(" ")}\nexit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`);

function golden(name: string, actual: string): void {
  const file = path.join(EXPECTED, `${name}.txt`);
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, actual);
  expect(actual).toBe(fs.readFileSync(file, "utf8"));
}

/** A copy of the certificate folder with one file changed. */
function tampered(): string {
  const to = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-golden-tampered-"));
  fs.cpSync(dir, to, { recursive: true });
  const m = JSON.parse(fs.readFileSync(path.join(to, "manifest.json"), "utf8")) as { claims: { obligations: { file: string }[] }[] };
  const file = path.join(to, m.claims[0]!.obligations[0]!.file);
  fs.appendFileSync(file, "(check-sat)\n");
  return to;
}

const certifyArgs = () => ["certify", "--no-cache", ...FILES, "-o", dir];

beforeAll(async () => {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "neteq-golden-certs-")), "certs");
  certified = await cli(certifyArgs());
}, 120_000);

describe("golden outputs: certify and recheck", () => {
  it("certify.pretty", () => {
    golden("certify.pretty", render(certifyArgs(), certified));
  });

  it("certify.manifest", () => {
    golden("certify.manifest", clean(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")));
  });

  it("certify.files", () => {
    const names = fs.readdirSync(path.join(dir, "obligations")).sort();
    golden("certify.files", names.map((n) => `=== obligations/${n}\n${fs.readFileSync(path.join(dir, "obligations", n), "utf8")}`).join(""));
  });

  it("recheck.all", async () => {
    const args = ["recheck", dir, "--solver", "all"];
    golden("recheck.all", render(args, await cli(args)));
  }, 120_000);

  it("recheck.tampered", async () => {
    const copy = tampered();
    const args = ["recheck", copy, "--solver", "z3"];
    const r = await cli(args);
    golden("recheck.tampered", render(args, r).split(copy).join("<copy>"));
  }, 60_000);

  it("certify.usage", async () => {
    const args = ["certify", `${CASES}/verdicts.neq`];
    golden("certify.usage", render(args, await cli(args)));
  });

  it("recheck.usage", async () => {
    const runs = [
      ["recheck", dir, "--solver", "yices"],
      ["recheck", `${CASES}`],
      ["recheck"],
    ];
    const out: string[] = [];
    for (const args of runs) out.push(render(args, await cli(args)));
    golden("recheck.usage", out.join("\n"));
  });
});
