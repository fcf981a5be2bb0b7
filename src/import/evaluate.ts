/**
 * One pass of the import over the graph's nodes, in order: each ONNX value becomes a view of a
 * .neq tensor (ops.ts, plumbing.ts), a constant, a folded shape (shapes.ts) or, inside an
 * attention that the plan rewrites as `mha` (attention.ts), a ghost of known dims. An
 * operator outside the subset stops the import with an OnnxError naming the node.
 */
import { InternalError } from "../diagnostics/diagnostic.ts";
import { NetworkText, type Const, type Layout, type View } from "./builder.ts";
import { emitAttention, type AttentionPlan } from "./attention.ts";
import { count, DATA_TYPES, OnnxError, tensorValues, type OnnxModel, type OnnxNode, type OnnxTensor } from "./onnxModel.ts";
import { HANDLERS, nodeText, type Init, type OpEnv } from "./ops.ts";
import { flatten, passThrough, reshape, transpose } from "./plumbing.ts";
import { ARITHMETIC, foldShapeOp, SHAPE_OPS, type Ghost, type ShapeValue } from "./shapes.ts";

/** Operators the importer understands (README, "Importing from ONNX"). */
export const SUPPORTED_OPS: readonly string[] = [...Object.keys(HANDLERS), ...SHAPE_OPS, "Identity", "Dropout", "Flatten", "Reshape", "Transpose", "Constant"].sort();

/** A value during the import: a view of a .neq tensor, a constant, a folded shape, or a ghost. */
export type Val = View | Const | ShapeValue | Ghost;

/** What one pass produced: the network text, every ONNX value, the input's .neq name. */
export interface Pass {
  readonly net: NetworkText;
  readonly values: ReadonlyMap<string, Val>;
  readonly inputName: string;
}

const FLOAT_TYPES = new Set([1, 10, 11, 16]);
const INTEGER_TYPES = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13]);

/** One pass over the nodes: every value as a view, a constant, a folded shape or (inside a rewritten attention) a ghost. */
export function evaluate(model: OnnxModel, inits: ReadonlyMap<string, OnnxTensor>, inputOnnx: string, dataDims: readonly number[], reserved: ReadonlySet<string>, plan: AttentionPlan): Pass {
  const net = new NetworkText(reserved);
  const inputName = net.name(inputOnnx, "x");
  const values = new Map<string, Val>();
  const declared = new Map<string, View>();
  values.set(inputOnnx, { kind: "view", ref: inputName, shape: dataDims, axes: [{ batch: true }, ...dataDims.map((d, a) => ({ batch: false as const, size: d, parts: [a] }))] });

  for (const node of model.nodes) {
    if (node.domain !== "" && node.domain !== "ai.onnx") throw new OnnxError(`${nodeText(node)}: operators of the domain ${JSON.stringify(node.domain)} are not supported`);
    const raw = (k: number): Val | Init | null => {
      const name = node.inputs[k];
      if (!name) return null;
      const v = values.get(name);
      if (v) return v;
      const t = inits.get(name);
      if (t) return { kind: "init", name, dims: t.dims };
      throw new OnnxError(`${nodeText(node)}: its input ${JSON.stringify(name)} is not computed before it (the graph is not in topological order, or names an unknown value)`);
    };
    const ghost = plan.ghosts.get(node);
    if (ghost) {
      node.outputs.forEach((o) => o && values.set(o, { kind: "ghost", dims: ghost }));
      continue;
    }
    const instance = plan.instances.find((i) => i.final === node);
    if (instance) {
      values.set(node.outputs[0]!, emitAttention(instance, net, (name) => values.get(name), (name, dims, layout) => declareLayout(net, declared, inits, node, name, dims, layout)));
      continue;
    }
    // Arithmetic is folded on shapes and constants only: a weight (a real initializer of more
    // than one entry) goes to the handler, which refuses to fold weights.
    const foldable = node.inputs.every((_, k) => {
      const v = raw(k);
      if (v === null) return true;
      if (v.kind === "init") return INTEGER_TYPES.has(inits.get(v.name)!.dataType) || count(v.dims) === 1;
      return v.kind === "const" || v.kind === "shape";
    });
    if (SHAPE_OPS.includes(node.opType) || (ARITHMETIC.has(node.opType) && foldable)) {
      const ins = node.inputs.map((_, k) => {
        const v = raw(k);
        if (v?.kind !== "init") return v;
        // Shape reads only the dims of an initializer (a weight need not be decoded).
        return node.opType === "Shape" ? ({ kind: "ghost", dims: v.dims } as Ghost) : constOf(node, inits.get(v.name)!);
      });
      values.set(node.outputs[0] || "", foldShapeOp(node, ins, model.opset!));
      continue;
    }
    const get = (k: number): View | Const | Init | null => {
      const v = raw(k);
      if (v?.kind === "ghost") throw new InternalError(`${nodeText(node)} reads a tensor computed inside a rewritten attention`);
      if (v?.kind === "shape" && !(node.opType === "Reshape" && k === 1) && !(PASS.has(node.opType) && k === 0)) {
        return fail(node, `input ${k} holds the symbolic batch size (from Shape); it may only be copied into the batch position of a Reshape target`);
      }
      return v as View | Const | Init | null;
    };
    const env: OpEnv = {
      net,
      opset: model.opset!,
      input: get,
      param: (k) => {
        const name = node.inputs[k];
        const t = name ? inits.get(name) : undefined;
        if (!t) return fail(node, `input ${k}${name ? ` (${JSON.stringify(name)})` : ""} must be an initializer (a weight)`);
        checkWeight(node, t);
        const v = net.param(name!, t.dims, declared.get(name!));
        declared.set(name!, v);
        return v;
      },
      constant: (k) => {
        const v = get(k);
        if (v?.kind === "const") return v;
        if (v?.kind === "init") return constOf(node, inits.get(v.name)!);
        return fail(node, `input ${k} must be a constant`);
      },
    };
    if (PASS.has(node.opType) && node.inputs[0] && raw(0)?.kind !== "view") {
      const v = raw(0);
      values.set(node.outputs[0] || "", v?.kind === "init" ? constOf(node, inits.get(v.name)!) : (v as Const | ShapeValue));
      continue;
    }
    const out = apply(node, env, get, net, raw);
    if (node.outputs[0]) values.set(node.outputs[0], out);
  }
  return { net, values, inputName };
}

/** Identity and Dropout also pass constants and shapes through. */
const PASS = new Set(["Identity", "Dropout"]);

function checkWeight(node: OnnxNode, t: OnnxTensor): void {
  const name = JSON.stringify(t.name);
  if (!FLOAT_TYPES.has(t.dataType)) fail(node, `the initializer ${name} has type ${DATA_TYPES[t.dataType] ?? t.dataType}, not a real number type`);
  if (t.dims.length === 0) fail(node, `the initializer ${name} is a scalar, which cannot be a parameter tensor`);
  if (t.external) fail(node, `the initializer ${name} is stored in an external file, which neteq does not read`);
}

/** An attention weight declared in the per-head layout of `mha`. */
function declareLayout(net: NetworkText, declared: Map<string, View>, inits: ReadonlyMap<string, OnnxTensor>, node: OnnxNode, name: string, dims: readonly number[], layout: Layout): View {
  const t = inits.get(name)!;
  checkWeight(node, t);
  if (declared.has(name)) throw new InternalError(`the attention weight ${name} is declared twice`);
  const v = net.param(name, dims, undefined, layout);
  declared.set(name, v);
  return v;
}

function fail(n: OnnxNode, why: string): never {
  throw new OnnxError(`${nodeText(n)}: ${why}`);
}

/** A constant from an initializer (a shape, a scalar). */
function constOf(n: OnnxNode, t: OnnxTensor): Const {
  // Checked before anything is decoded or allocated: a hostile file may declare huge dims.
  if (count(t.dims) > 1_000_000) fail(n, `the constant ${JSON.stringify(t.name)} of dims [${t.dims.join(", ")}] is too large (more than 1000000 entries)`);
  return { kind: "const", dims: t.dims, values: tensorValues(t), integer: INTEGER_TYPES.has(t.dataType), dataType: t.dataType };
}

function apply(node: OnnxNode, env: OpEnv, get: (k: number) => View | Const | Init | null, net: NetworkText, raw: (k: number) => Val | Init | null): View | Const {
  if (node.outputs.length < 1 || !node.outputs[0]) fail(node, "it has no output");
  switch (node.opType) {
    case "Identity":
    case "Dropout":
      return passThrough(node, get(0), node.inputs.map((_, k) => (k === 0 ? null : get(k))));
    case "Flatten":
      return flatten(node, get(0));
    case "Transpose":
      return transpose(node, get(0));
    case "Reshape": {
      const s = raw(1);
      return reshape(node, get(0), s?.kind === "init" ? env.constant(1) : (s as View | Const | ShapeValue | null), net);
    }
    case "Constant":
      return constant(node);
    default: {
      const h = HANDLERS[node.opType];
      if (!h) fail(node, `the operator ${node.opType} is not supported by neteq import (supported: ${SUPPORTED_OPS.join(", ")})`);
      return h!(node, env) as View;
    }
  }
}

function constant(n: OnnxNode): Const {
  if (n.attributes.length !== 1) fail(n, "expected exactly one value attribute");
  const a = n.attributes[0]!;
  if (a.name === "value" && a.kind === "tensor") return constOf(n, a.t);
  if (a.name === "value_float" && a.kind === "float") return { kind: "const", dims: [], values: Float64Array.of(a.f), dataType: 1 };
  if (a.name === "value_floats" && a.kind === "floats") return { kind: "const", dims: [a.floats.length], values: Float64Array.from(a.floats), dataType: 1 };
  if (a.name === "value_int" && a.kind === "int") return { kind: "const", dims: [], values: Float64Array.of(Number(a.i)), integer: true, dataType: 7 };
  if (a.name === "value_ints" && a.kind === "ints") return { kind: "const", dims: [a.ints.length], values: Float64Array.from(a.ints.map(Number)), integer: true, dataType: 7 };
  return fail(n, `the attribute ${a.name} is not supported`);
}
