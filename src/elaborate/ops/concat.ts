/**
 * concat(a, b, ...; axis = 0): tensors joined along an axis (the others must agree). Entry i
 * of the joined axis reads the part it falls in, through guards, so indices stay affine.
 */
import { add, guard, plus } from "../iexpr.ts";
import { at } from "./util.ts";
import { int, tvalue } from "./util.ts";
import type { Op } from "./types.ts";

export const concat: Op = {
  name: "concat",
  signature: "concat(a, b, ...; axis = 0)",
  tensors: { min: 2, max: 16 },
  options: { axis: { kind: "int", default: 0, doc: "the axis to join along" } },
  expand(parts, options) {
    const axis = int(options, "axis");
    const r = parts[0]!.shape.length;
    if (axis < 0 || axis >= r) return `concat: axis ${axis} does not exist in a tensor with ${r} axes`;
    for (const [k, p] of parts.entries()) {
      if (p.shape.length !== r || p.shape.some((d, a) => a !== axis && d !== parts[0]!.shape[a])) return `concat: part ${k + 1} has shape [${p.shape.join(", ")}], which does not match [${parts[0]!.shape.join(", ")}] outside axis ${axis}`;
    }
    const offsets: number[] = [];
    let total = 0;
    for (const p of parts) {
      offsets.push(total);
      total += p.shape[axis]!;
    }
    const shape = parts[0]!.shape.map((d, a) => (a === axis ? total : d));
    return tvalue(shape, parts[0]!.axes, (idx) => {
      const i = idx[axis]!;
      return add(
        ...parts.map((p, k) => {
          const local = plus(i, -offsets[k]!);
          const within = guard(at(offsets[k]!), "<=", i, guard(i, "<", at(offsets[k]! + p.shape[axis]!), p.at(idx.map((x, a) => (a === axis ? local : x)))));
          return within;
        }),
      );
    });
  },
};
