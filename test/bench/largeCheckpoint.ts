/**
 * Planted checkpoints too large to hold: A and B = g A for a tensor network, written as
 * safetensors one parameter at a time (each parameter's values generated from its own seed,
 * once for A and again for B, and dropped after writing), in F32 or BF16. g permutes every
 * class of tied axes (src/align/classes.ts), each parameter axis by its class's permutation:
 * B[perm(i0), perm(i1), ..] = A[i0, i1, ..], the convention of `permute ... by`.
 */
import * as path from "node:path";
import { axisOwners, permutationClasses } from "../../src/align/classes.ts";
import type { TensorGroupElement } from "../../src/align/types.ts";
import type { Network } from "../../src/elaborate/types.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { writeSafetensors } from "../../src/weights/safetensors.ts";
import { randomTensorGroup } from "../weights/fixtures/plantedTensor.ts";

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** `n` uniform values in [-s, s) as float32 bit patterns (s = 1/sqrt(fan-in)), from `seed`. */
function randomBits(n: number, fan: number, seed: number): Uint32Array {
  const rng = new Rng(seed);
  const f = new Float32Array(n);
  const s = 2 / Math.sqrt(fan);
  for (let i = 0; i < n; i++) f[i] = (rng.next() - 0.5) * s;
  return new Uint32Array(f.buffer);
}

/** `src` (row-major, `shape`) with axis `axis` permuted: slice i moves to perm[i]. */
function permuteAxis<T extends Uint32Array | Uint16Array>(src: T, shape: readonly number[], axis: number, perm: readonly number[]): T {
  const inner = product(shape.slice(axis + 1));
  const n = shape[axis]!;
  const outer = product(shape.slice(0, axis));
  const out = new (src.constructor as new (n: number) => T)(src.length);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < n; i++) {
      const from = (o * n + i) * inner;
      const to = (o * n + perm[i]!) * inner;
      // Short runs entry by entry (a subarray per run would cost more than the copy).
      if (inner >= 64) out.set(src.subarray(from, from + inner), to);
      else for (let k = 0; k < inner; k++) out[to + k] = src[from + k]!;
    }
  return out;
}

/** The bytes of one parameter of A (g = null) or of g A, in `dtype`. */
function paramBytes(shape: readonly number[], perms: readonly (readonly number[] | null)[], dtype: "F32" | "BF16", seed: number, fan: number): Uint8Array {
  const bits = randomBits(product(shape), fan, seed);
  // BF16: the upper half of each float32 (truncated: every bfloat16 pattern is a value).
  let data: Uint32Array | Uint16Array = bits;
  if (dtype === "BF16") {
    data = new Uint16Array(bits.length);
    for (let i = 0; i < bits.length; i++) data[i] = bits[i]! >>> 16;
  }
  perms.forEach((p, axis) => {
    if (p) data = permuteAxis(data, shape, axis, p);
  });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Write `dir`/A.safetensors and `dir`/B.safetensors (B = g A for a random g of every class)
 * for `net`; returns g. Memory: one parameter (and its permuted copy) at a time.
 */
export function writeLargePlanted(dir: string, net: Network, dtype: "F32" | "BF16", seed: number): TensorGroupElement {
  const { classes } = permutationClasses(net);
  const g = randomTensorGroup(classes, new Rng(seed));
  const owners = axisOwners(net, classes);
  const plan = net.params.map((p, k) => ({ name: p.name, shape: p.shape, seed: seed * 1000 + k + 1, fan: p.shape.length > 1 ? product(p.shape) / p.shape[0]! : 1 }));
  for (const [file, moved] of [["A.safetensors", false], ["B.safetensors", true]] as const) {
    writeSafetensors(
      path.join(dir, file),
      plan.map((p) => ({
        name: p.name,
        shape: p.shape,
        dtype,
        bytes: () => paramBytes(p.shape, moved ? owners.get(p.name)!.map((o) => (o >= 0 ? g.classes[o]!.perm : null)) : [], dtype, p.seed, p.fan),
      })),
    );
  }
  return g;
}
