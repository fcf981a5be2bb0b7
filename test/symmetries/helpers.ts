/**
 * Helpers for the symmetry tests: elaborate a network from text, and derive and prove its
 * symmetries through a temporary file (the generated claims import it, as in the CLI).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { elaborate } from "../../src/elaborate/elaborate.ts";
import type { Network } from "../../src/elaborate/types.ts";
import { resolveOptions } from "../../src/options.ts";
import { load, readSource } from "../../src/syntax/load.ts";
import { proveDerivation } from "../../src/symmetries/proveDerivation.ts";
import type { Derivation, SymmetryReport } from "../../src/symmetries/types.ts";

/** The network `name` declared in `text` (throws on input errors: tests write valid text). */
export function networkOf(text: string, name: string): Network {
  const m = elaborate(load("<test>.neq", text, () => null));
  const errors = m.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) throw new Error(errors.map((e) => e.message).join("\n"));
  const net = m.networks.get(name);
  if (!net) throw new Error(`no network ${name}`);
  return net;
}

/** Prove a derivation of a network written in `text`, checked next to a temporary copy of it. */
export async function proveText(text: string, d: Derivation): Promise<SymmetryReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-symmetries-"));
  fs.writeFileSync(path.join(dir, "net.neq"), text);
  const { options } = resolveOptions({ cache: false, jobs: 2, timeout: 60 });
  return proveDerivation(d, { file: "net.neq", virtualPath: path.join(dir, "derived.neq"), importPath: "net.neq", command: "test" }, options, (f) => readSource(f));
}
