/**
 * The operation library, by name. Each operation lives in its own file with its signature,
 * shape rule and meaning (see types.ts).
 */
import { mha, gqa } from "./attention.ts";
import { concat } from "./concat.ts";
import { conv1d, conv2d } from "./conv.ts";
import { linear } from "./linear.ts";
import { batchnorm, layernorm, rmsnorm } from "./norm.ts";
import { avgpool1d, avgpool2d, gap, maxpool1d, maxpool2d } from "./pool.ts";
import { flatten } from "./reshape.ts";
import { rope } from "./rope.ts";
import { softmax } from "./softmax.ts";
import type { Op } from "./types.ts";

export type { Op, OpContext, OptionValue, TValue } from "./types.ts";

export const OPS: ReadonlyMap<string, Op> = new Map(
  [linear, conv1d, conv2d, maxpool1d, maxpool2d, avgpool1d, avgpool2d, gap, flatten, concat, batchnorm, layernorm, rmsnorm, softmax, rope, mha, gqa].map((o) => [o.name, o]),
);
