/**
 * flatten(x) = the entries of x in row-major order, as one axis: entry f of the result is
 * x[f div (n2 ... nr), ..., f mod nr].
 */
import { floorDiv, modulo } from "../iexpr.ts";
import { tvalue } from "./util.ts";
import type { Op } from "./types.ts";
import { strides } from "../interpret.ts";

export const flatten: Op = {
  name: "flatten",
  signature: "flatten(x)",
  tensors: { min: 1, max: 1 },
  options: {},
  expand([x]) {
    const shape = x!.shape;
    const n = shape.reduce((a, b) => a * b, 1);
    const st = strides(shape);
    return tvalue([n], ["flat"], ([f]) => x!.at(shape.map((d, a) => (a === 0 ? floorDiv(f!, st[a]!) : a === shape.length - 1 ? modulo(f!, d) : modulo(floorDiv(f!, st[a]!), d)))));
  },
};
