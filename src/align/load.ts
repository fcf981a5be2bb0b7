/**
 * Loading what `neteq align` works on: the network (`file:Network`) and a
 * checkpoint's values mapped onto its parameters.
 */
import { elaborate } from "../elaborate/elaborate.ts";
import type { Network } from "../elaborate/types.ts";
import { renderDiagnostic } from "../diagnostics/render.ts";
import { load } from "../syntax/load.ts";
import { importReader, readCommandLineFile } from "../cli/files.ts";
import { mapParams, type Param, type Source } from "../weights/mapping.ts";
import { readCheckpoint } from "../weights/readCheckpoint.ts";
import type { Checkpoint } from "../weights/types.ts";
import { ExactValues } from "./exact.ts";
import type { ParamValues } from "./matchMlp.ts";

/** The network named by `spec` ("file.neq:Network") and its file as given, or messages. */
export function loadNetwork(spec: string, cwd: string): { net: Network; file: string } | { messages: string[] } {
  const at = spec.lastIndexOf(":");
  if (at <= 0 || at === spec.length - 1) return { messages: [`--net: expected <file>:<network>, got ${JSON.stringify(spec)}`] };
  const file = spec.slice(0, at);
  const name = spec.slice(at + 1);
  const source = readCommandLineFile(file, cwd);
  if ("diagnostic" in source) return { messages: [source.diagnostic.message] };
  const loaded = load(file, source.text, importReader(cwd));
  const module = elaborate(loaded);
  const errors = module.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) return { messages: errors.map((d) => renderDiagnostic(d, loaded.sources)) };
  const net = module.networks.get(name);
  if (!net) return { messages: [`${file} declares no network ${name}${module.networks.size ? `; its networks are ${[...module.networks.keys()].join(", ")}` : ""}`] };
  return { net, file };
}

/** A checkpoint opened and mapped onto the network. */
export interface Loaded {
  readonly checkpoint: Checkpoint;
  readonly params: readonly Param[];
  readonly values: ParamValues;
}

/** Open `file` and map it onto `net`'s parameters. */
export function loadParams(file: string, net: Network, map: ReadonlyMap<string, Source>, cwd: string): { loaded: Loaded } | { messages: string[] } {
  const r = readCheckpoint(file, cwd);
  if (!r.ok) return { messages: [r.message] };
  let mapped;
  try {
    mapped = mapParams(r.checkpoint, net.params, map, net.name);
  } catch (e) {
    return { messages: [e instanceof Error ? e.message : String(e)] };
  }
  if ("messages" in mapped) return mapped;
  return { loaded: { checkpoint: r.checkpoint, params: mapped.params, values: new Map(mapped.params.map((p) => [p.name, new ExactValues(p.tensor)])) } };
}
