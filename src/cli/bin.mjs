#!/usr/bin/env node
// The `neteq` command. Runs the TypeScript sources, bundled (bundle.mjs) or through tsx, so no
// build step is needed.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

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

// The bundle of the sources (bundle.mjs) when it was made from exactly the current ones,
// else the sources through tsx. NETEQ_NO_BUNDLE=1 always uses tsx.
let run;
if (!process.env.NETEQ_NO_BUNDLE) {
  const { bundle, ROOT } = await import("./bundle.mjs");
  const { file, code } = await bundle();
  // The code's identity for the whole-claim cache (backends/claims.ts), from the same walk.
  globalThis.__neteqCode = code;
  if (file) {
    globalThis.__neteqRoot = ROOT;
    try {
      ({ run } = await import(pathToFileURL(file).href));
    } catch {
      // Replaced by a newer bundle meanwhile (another run rebuilt it): the sources, then.
      run = undefined;
    }
  }
}
if (!run) {
  const { register } = await import("tsx/esm/api");
  register();
  ({ run } = await import("./main.ts"));
}
const code = await run(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  tty: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
});
process.exitCode = code;
