/**
 * Helpers of the import tests: import a model and elaborate the result, run the imported
 * network on the model's own initializers (re-laid out where the import reads a weight per
 * head), and compare it with the independent ONNX evaluator of reference.ts.
 */
import { expect } from "vitest";
import { elaborate } from "../../src/elaborate/elaborate.ts";
import type { Network } from "../../src/elaborate/types.ts";
import type { Layout } from "../../src/import/builder.ts";
import { importOnnx, OnnxError, onnxInitializers, type ImportResult } from "../../src/import/onnx.ts";
import { evaluateNetwork } from "../../src/numeric/evaluate.ts";
import { float64 } from "../../src/numeric/field.ts";
import { realisations } from "../../src/numeric/realise.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { load } from "../../src/syntax/load.ts";
import { evaluateOnnx } from "./reference.ts";

export const SEED = Number(process.env.NETEQ_LAW_SEED ?? 20240601);

/** Import `bytes` and elaborate the .neq text (throws with the text when it does not elaborate). */
export function importBytes(bytes: Uint8Array, file: string): { result: ImportResult; net: Network; bytes: Uint8Array } {
  const result = importOnnx(bytes, { file });
  const m = elaborate(load(`${file}.neq`, result.text, () => null));
  const errors = m.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) throw new Error(`${file}: ${errors.map((e) => e.message).join("; ")}\n${result.text}`);
  return { result, net: m.networks.get(result.network)!, bytes };
}

/** An initializer's row-major entries in the .neq layout: reshaped to `split`, axes permuted (written from the Layout's definition). */
export function relayout(v: Float64Array, l: Layout): Float64Array {
  const dims = l.perm.map((p) => l.split[p]!);
  const strides = l.split.map((_, i) => l.split.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float64Array(v.length);
  for (let f = 0; f < v.length; f++) {
    let rest = f;
    let src = 0;
    for (let i = dims.length - 1; i >= 0; i--) {
      const idx = rest % dims[i]!;
      rest = Math.floor(rest / dims[i]!);
      src += idx * strides[l.perm[i]!]!;
    }
    out[f] = v[src]!;
  }
  return out;
}

/** The imported network's output on `x` (one sample), its parameters the ONNX initializers (optionally altered, or without the layout). */
export function neqOutput(net: Network, result: ImportResult, bytes: Uint8Array, x: Float64Array, options: { alter?: (name: string, v: Float64Array) => Float64Array; ignoreLayout?: boolean } = {}): number[] {
  const inits = onnxInitializers(bytes);
  const params = new Map<string, Float64Array>();
  for (const n of result.names.filter((m) => m.kind === "param")) {
    let v = inits.get(n.onnx)!.values();
    if (n.layout && !options.ignoreLayout) v = relayout(v, n.layout);
    params.set(n.neq, options.alter ? options.alter(n.neq, v) : v);
  }
  const act = (a: Parameters<typeof realisations>[0], z: number) => realisations(a)[0]!.float(z);
  return evaluateNetwork(net, (name, i) => params.get(name)![i]!, [...x], float64, act).output;
}

/** Largest relative difference to the reference evaluator over `draws` random inputs in [-2, 2]. */
export function roundTripError(bytes: Uint8Array, file: string, dims: number[], draws = 5, options: Parameters<typeof neqOutput>[4] = {}): number {
  const { net, result } = importBytes(bytes, file);
  const rng = new Rng(SEED);
  let worst = 0;
  for (let draw = 0; draw < draws; draw++) {
    const x = Float64Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.next() * 4 - 2);
    const ref = evaluateOnnx(bytes, { dims: [1, ...dims], data: x });
    const got = neqOutput(net, result, bytes, x, options);
    expect(got.length).toBe(ref.data.length);
    got.forEach((g, i) => (worst = Math.max(worst, Math.abs(g - ref.data[i]!) / Math.max(1, Math.abs(ref.data[i]!)))));
  }
  return worst;
}

/** The tolerance of the round trip: float64 sums in another order. */
export const TOLERANCE = 1e-9;

/** `bytes` is refused with an OnnxError whose message holds (or matches) every part. */
export function refused(bytes: Uint8Array, ...parts: (string | RegExp)[]): void {
  let error: unknown = null;
  try {
    importOnnx(bytes, { file: "bad.onnx" });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(OnnxError);
  for (const p of parts) expect((error as Error).message).toMatch(p);
}
