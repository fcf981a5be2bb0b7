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
import { unreadInitializers } from "../weights/onnx.ts";
import { failure, readCheckpoint } from "../weights/readCheckpoint.ts";
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
  /** The parameters' values, read from the file as they are asked for (see ResidentValues). */
  readonly values: ParamValues;
}

/**
 * Entries of one checkpoint kept in memory (256 MB of float32): a smaller checkpoint is read
 * once and kept whole; of a larger one, the tensors read first are kept up to this budget and
 * the others are read again from the file each time they are used (the page cache makes that
 * fast), so a 177M-parameter checkpoint costs the budget plus the tensors in use, not all of it.
 */
export const RESIDENT_ENTRIES = 64_000_000;

/**
 * Parameter values by name, read on demand: `get` returns the kept tensor or reads it again
 * (the caller holds it while it works on it and drops it after). Every tensor was read and
 * checked once when the checkpoint was loaded, so a read here fails only if the file changed.
 */
export class ResidentValues implements ReadonlyMap<string, ExactValues> {
  private readonly kept = new Map<string, ExactValues>();
  private keptEntries = 0;
  private readonly byName: ReadonlyMap<string, Param>;
  constructor(params: readonly Param[]) {
    this.byName = new Map(params.map((p) => [p.name, p]));
  }
  /** Keep `v` if the budget allows (called with every tensor as it is first read). */
  offer(name: string, v: ExactValues, budget: number): void {
    if (this.keptEntries + v.length > budget || this.kept.has(name)) return;
    this.kept.set(name, v);
    this.keptEntries += v.length;
  }
  get(name: string): ExactValues | undefined {
    const kept = this.kept.get(name);
    if (kept) return kept;
    const p = this.byName.get(name);
    return p ? new ExactValues(p.read()) : undefined;
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
  get size(): number {
    return this.byName.size;
  }
  keys(): MapIterator<string> {
    return this.byName.keys();
  }
  *values(): MapIterator<ExactValues> {
    for (const k of this.byName.keys()) yield this.get(k)!;
  }
  *entries(): MapIterator<[string, ExactValues]> {
    for (const k of this.byName.keys()) yield [k, this.get(k)!];
  }
  [Symbol.iterator](): MapIterator<[string, ExactValues]> {
    return this.entries();
  }
  forEach(f: (value: ExactValues, key: string, map: ReadonlyMap<string, ExactValues>) => void): void {
    for (const [k, v] of this.entries()) f(v, k, this);
  }
}

/**
 * Open `file` and map it onto `net`'s parameters. Every tensor is read and checked here, one
 * at a time (so a malformed value is an input error before any work), and kept within
 * `budget` entries.
 */
export function loadParams(file: string, net: Network, map: ReadonlyMap<string, Source>, cwd: string, budget = RESIDENT_ENTRIES): { loaded: Loaded } | { messages: string[] } {
  const r = readCheckpoint(file, cwd);
  if (!r.ok) return { messages: [r.message] };
  // A parameter read from an ONNX initializer that is not a weight (an INT64 shape): refused by name.
  const unread = unreadInitializers(r.checkpoint);
  const notWeights = net.params.flatMap((p) => {
    const tensor = (map.get(p.name) ?? { tensor: p.name }).tensor;
    const why = unread.get(tensor);
    return why === undefined ? [] : [`${file}: parameter ${p.name} of ${net.name} would be read from initializer ${JSON.stringify(tensor)}, but its ${why}`];
  });
  if (notWeights.length) return { messages: notWeights };
  let mapped;
  try {
    mapped = mapParams(r.checkpoint, net.params, map, net.name);
  } catch (e) {
    return { messages: [failure(e, file)] };
  }
  if ("messages" in mapped) return mapped;
  const values = new ResidentValues(mapped.params);
  for (const p of mapped.params) {
    try {
      values.offer(p.name, new ExactValues(p.read()), budget);
    } catch (e) {
      return { messages: [failure(e, file)] };
    }
  }
  return { loaded: { checkpoint: r.checkpoint, params: mapped.params, values } };
}
