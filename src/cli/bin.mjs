#!/usr/bin/env node
// The `neteq` command. Runs the TypeScript sources through tsx, so no build step is needed.
import { readFileSync } from "node:fs";

// --version and --help answer without loading the TypeScript sources (start-up time).
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  process.stdout.write(`neteq ${JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version}\n`);
  process.exit(0);
}
if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help")) {
  process.stdout.write(readFileSync(new URL("./usage.txt", import.meta.url), "utf8"));
  process.exit(0);
}

const { register } = await import("tsx/esm/api");
register();
const { run } = await import("./main.ts");
const code = await run(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  tty: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
});
process.exitCode = code;
