/**
 * The .neq network an import writes, built one ONNX value at a time.
 *
 * An ONNX tensor is held as a *view* of a .neq tensor (the input, a parameter or a hidden
 * tensor): every ONNX axis is either the batch axis (dropped: a .neq network computes one
 * sample) or the row-major combination of zero or more .neq axes (its `parts`; none for an
 * axis of size 1). Reshape, Flatten, Transpose, Identity and Dropout only change the view,
 * so shape plumbing leaves no trace in the network: a flattened [C, H, W] is read as
 * `x[c, h, w]` by a sum over c, h, w, and the weight that consumes it as `W[o, H W c + W h + w]`.
 * Splitting an axis (a Reshape of [D] to [H, K]) defines a new hidden tensor that reads the old
 * one at `K h + k`, and merged axes are never split again (that would need div and mod).
 */
import { Rational } from "../numeric/rational.ts";
import { OnnxError } from "./onnxModel.ts";

/** One ONNX axis of a view. */
export type ViewAxis = { readonly batch: true } | { readonly batch: false; readonly size: number; readonly parts: readonly number[] };

/** An ONNX tensor as a view of a .neq tensor. */
export interface View {
  readonly kind: "view";
  /** The .neq tensor's name. */
  readonly ref: string;
  /** The .neq tensor's shape. */
  readonly shape: readonly number[];
  readonly axes: readonly ViewAxis[];
}

/** A constant known to the importer (a Constant node, an integer or scalar initializer). */
export interface Const {
  readonly kind: "const";
  readonly dims: readonly number[];
  readonly values: Float64Array;
  /** Of an integer type (a shape, an index): Div truncates, as ONNX's integer Div does. */
  readonly integer?: boolean;
  /** Its ONNX TensorProto.DataType (1 FLOAT, 7 INT64, 11 DOUBLE, ...): folded arithmetic rounds to it. */
  readonly dataType?: number;
}

/**
 * How a parameter's .neq layout is read from its ONNX initializer: the initializer's row-major
 * entries reshaped to `split`, then its axes permuted (.neq axis i is `split` axis perm[i]).
 * Attention weights get one, so that `mha` reads them per head.
 */
export interface Layout {
  readonly onnxDims: readonly number[];
  readonly split: readonly number[];
  readonly perm: readonly number[];
}

export type Value = View | Const;

/** How an ONNX axis is indexed when a view is read: by index variables (row-major), an affine text, or 0 (broadcast). */
export type Ix = { readonly vars: readonly IxVar[] } | { readonly expr: string } | "zero" | "batch";
export interface IxVar {
  readonly name: string;
  readonly size: number;
}

/** A definition's result axis: the batch axis, or an ONNX axis stored as these .neq axis sizes. */
export type OutAxis = { readonly batch: true } | { readonly batch: false; readonly factors: readonly number[] };

const VAR_LETTERS = ["i", "j", "k", "l", "m", "n", "p", "q", "r", "s", "t", "u", "v", "w"];

/** Names an index variable may take (the importer keeps tensor names out of this set). */
export const isIndexVarName = (s: string): boolean => /^[ijklmnpqrstuvw][0-9]*$/.test(s);

/** Index variables of one definition: fresh within it. */
export class Vars {
  private n = 0;
  fresh(size: number): IxVar {
    const k = this.n++;
    const letter = VAR_LETTERS[k % VAR_LETTERS.length]!;
    return { name: k < VAR_LETTERS.length ? letter : `${letter}${Math.floor(k / VAR_LETTERS.length)}`, size };
  }
  /** One variable per factor. */
  many(factors: readonly number[]): IxVar[] {
    return factors.map((f) => this.fresh(f));
  }
}

/** `2*i + j` for variables read row-major; size-1 variables are always 0 and left out. */
export function affine(vars: readonly IxVar[]): string {
  const terms: string[] = [];
  let stride = 1;
  for (let a = vars.length - 1; a >= 0; a--) {
    const v = vars[a]!;
    if (v.size > 1) terms.unshift(stride === 1 ? v.name : `${stride} * ${v.name}`);
    stride *= v.size;
  }
  return terms.length ? terms.join(" + ") : "0";
}

/** Sizes of a view axis's .neq parts. */
export const partSizes = (v: View, a: number): number[] => {
  const ax = v.axes[a]!;
  return ax.batch ? [] : ax.parts.map((p) => v.shape[p]!);
};

/** ONNX dims of a view (the batch axis as null). */
export const dimsOf = (v: View): (number | null)[] => v.axes.map((ax) => (ax.batch ? null : ax.size));

/** The entry of `v` at `ix` (one Ix per ONNX axis), as .neq text; `why` names the node for errors. */
export function read(v: View, ix: readonly Ix[], why: string): string {
  const at: string[] = v.shape.map(() => "0");
  v.axes.forEach((ax, a) => {
    const spec = ix[a]!;
    if (ax.batch) {
      if (spec !== "batch") throw new OnnxError(`${why}: the batch axis would be read as a data axis, which neteq does not model`);
      return;
    }
    if (spec === "batch") throw new OnnxError(`${why}: a data axis of size ${ax.size} meets the batch axis`);
    if (ax.parts.length === 0 || spec === "zero") return;
    if ("expr" in spec) {
      if (ax.parts.length !== 1) throw new OnnxError(`${why}: an axis merged by a reshape is read at a shifted index, which neteq cannot express`);
      at[ax.parts[0]!] = spec.expr;
      return;
    }
    if (ax.parts.length === 1) {
      at[ax.parts[0]!] = affine(spec.vars);
      return;
    }
    // Several .neq axes: the variables must have exactly their sizes (size-1 ones ignored).
    const want = ax.parts.filter((p) => v.shape[p]! > 1);
    const have = spec.vars.filter((x) => x.size > 1);
    if (want.length !== have.length || want.some((p, k) => v.shape[p] !== have[k]!.size)) {
      throw new OnnxError(`${why}: an axis reshaped as [${ax.parts.map((p) => v.shape[p]).join(", ")}] is read as [${spec.vars.map((x) => x.size).join(", ")}], which neteq cannot express without div and mod`);
    }
    want.forEach((p, k) => (at[p] = have[k]!.name));
  });
  return `${v.ref}[${at.join(", ")}]`;
}

/** An exact rational as .neq text, parenthesised when it is not a whole number. */
export function number(x: number, what: string): string {
  if (!Number.isFinite(x)) throw new OnnxError(`${what} is ${x}, not a finite number`);
  return rationalText(Rational.fromNumber(x));
}

/** `3`, `(1/8)`, `(-3)`. */
export const rationalText = (r: Rational): string => (r.isInteger() && r.sign() >= 0 ? r.toString() : `(${r.toString()})`);

/** A hidden tensor's definition; index-notation ones keep their heads and body for fusing. */
export interface Def {
  name: string;
  text: string;
  /** The ONNX nodes it computes (`Gemm "/fc1/Gemm"`), several after fusing. */
  from: string[];
  onnx: string;
  heads?: string[];
  body?: string;
  /** Entrywise in its inputs (an activation, a sum): a producer read at its own indices may be inlined. */
  elementwise?: boolean;
}

/** The network being written: declarations, definitions and the name mapping. */
export class NetworkText {
  readonly params: { name: string; dims: readonly number[]; onnx: string; layout?: Layout }[] = [];
  readonly defs: Def[] = [];
  private readonly taken = new Set<string>();
  private readonly reserved: ReadonlySet<string>;

  constructor(reserved: ReadonlySet<string>) {
    this.reserved = reserved;
  }

  /** A fresh .neq identifier close to `onnxName`. */
  name(onnxName: string, fallback: string): string {
    let base = onnxName.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "").replace(/__+/g, "_");
    if (!base) base = fallback;
    if (/^[0-9]/.test(base)) base = `t_${base}`;
    if (this.reserved.has(base) || isIndexVarName(base)) base = `${base}_`;
    let out = base;
    for (let k = 2; this.taken.has(out); k++) out = `${base}_${k}`;
    this.taken.add(out);
    return out;
  }

  /** A parameter view of an initializer (declared once), in its ONNX layout or re-laid out by `layout`. */
  param(onnx: string, dims: readonly number[], existing?: View, layout?: Layout): View {
    if (existing) return existing;
    const name = this.name(onnx, "param");
    this.params.push(layout ? { name, dims, onnx, layout } : { name, dims, onnx });
    return { kind: "view", ref: name, shape: dims, axes: dims.map((d, a) => ({ batch: false, size: d, parts: [a] })) };
  }

  /**
   * Define a hidden tensor in index notation: one variable per factor of every non-batch
   * axis (a tensor with no axis of size > 1 keeps one axis of size 1), `body` gets the Ix of
   * each result axis. Returns the view of the result.
   */
  define(onnx: string, node: string, opType: string, out: readonly OutAxis[], body: (ix: Ix[], vars: Vars) => string, elementwise = false): View {
    const vars = new Vars();
    const shape: number[] = [];
    const heads: string[] = [];
    const axes: ViewAxis[] = [];
    const ix: Ix[] = [];
    for (const ax of out) {
      if (ax.batch) {
        axes.push({ batch: true });
        ix.push("batch");
        continue;
      }
      const vs = vars.many(ax.factors);
      const parts: number[] = [];
      for (const v of vs) {
        if (v.size === 1) continue;
        parts.push(shape.length);
        shape.push(v.size);
        heads.push(`${v.name}:${v.size}`);
      }
      axes.push({ batch: false, size: ax.factors.reduce((a, b) => a * b, 1), parts });
      ix.push({ vars: vs });
    }
    if (shape.length === 0) {
      const v = vars.fresh(1);
      shape.push(1);
      heads.push(`${v.name}:1`);
      let last = -1;
      axes.forEach((a, k) => {
        if (!a.batch) last = k;
      });
      if (last < 0) throw new OnnxError(`${node}: a tensor with only a batch axis cannot be written`);
      const ax = axes[last] as { size: number };
      axes[last] = { batch: false, size: ax.size, parts: [0] };
    }
    const text = body(ix, vars);
    const name = this.name(onnx, "h");
    this.defs.push({ name, text: `${name}[${heads.join(", ")}] = ${text}`, from: [`${opType} ${JSON.stringify(node)}`], onnx, heads, body: text, elementwise });
    return { kind: "view", ref: name, shape, axes };
  }

  /**
   * Inline producers into the entrywise definitions that read them, so that a Gemm, its
   * bias Add and its ReLU become one definition `h[i] = relu(sum[j] W[i, j] * x[j] + b[i])`,
   * the form whose units neteq's rules (and a reader) recognise. A producer is inlined only
   * where it is read once in the whole network (`others` are further texts that may read it),
   * at exactly the reader's own index variables with the same sizes: a substitution, so the
   * network's function does not change.
   */
  fuse(others: () => readonly string[]): void {
    for (let changed = true; changed; ) {
      changed = false;
      for (const d of this.defs) {
        if (!d.elementwise || !d.heads || d.body === undefined) continue;
        const own = d.heads.map((h) => h.split(":")[0]).join(", ");
        for (const p of this.defs) {
          if (p === d || !p.heads || p.body === undefined || p.heads.join() !== d.heads.join()) continue;
          const at = `${p.name}[${own}]`;
          const uses = [...this.defs.map((x) => x.text), ...others()].reduce((k, t) => k + (t.match(new RegExp(`\\b${p.name}\\b`, "g"))?.length ?? 0), 0);
          if (uses !== 2 || d.body.split(at).length !== 2) continue;
          d.body = d.body.replace(at, `(${p.body})`);
          d.text = `${d.name}[${d.heads.join(", ")}] = ${d.body}`;
          d.from = [...p.from, ...d.from];
          this.defs.splice(this.defs.indexOf(p), 1);
          changed = true;
          break;
        }
        if (changed) break;
      }
    }
  }

  /** Define a hidden tensor by a library operation on plain tensors (`batchnorm(h, m, v, g, b, eps = ...)`). */
  defineOp(onnx: string, node: string, opType: string, like: View, call: string): View {
    const name = this.name(onnx, "h");
    this.defs.push({ name, text: `${name} = ${call}`, from: [`${opType} ${JSON.stringify(node)}`], onnx });
    return { ...like, ref: name };
  }
}

/**
 * `v` with every non-batch ONNX axis stored as exactly one .neq axis in order (what the
 * library operations read: channels first, the normalised axis last). A view that is not
 * plain is copied into a new hidden tensor; a merged axis cannot be (it would need div/mod).
 */
export function plain(v: View, net: NetworkText, onnx: string, node: string, opType: string): View {
  let next = 0;
  const ok = v.axes.every((ax) => ax.batch || (ax.parts.length === 1 && ax.parts[0] === next++)) && next === v.shape.length;
  if (ok) return v;
  for (const ax of v.axes) {
    if (!ax.batch && ax.parts.length > 1) throw new OnnxError(`${node} (${opType}): its input has an axis merged by a reshape from [${ax.parts.map((p) => v.shape[p]).join(", ")}]; ${opType} over it is not supported`);
  }
  const out: OutAxis[] = v.axes.map((ax) => (ax.batch ? { batch: true } : { batch: false, factors: [ax.size] }));
  // A size-1 axis becomes a .neq axis of size 1: define keeps at least one, and we need all.
  const vars = new Vars();
  const heads: string[] = [];
  const ix: Ix[] = [];
  const shape: number[] = [];
  const axes: ViewAxis[] = [];
  out.forEach((ax) => {
    if (ax.batch) {
      ix.push("batch");
      axes.push({ batch: true });
      return;
    }
    const x = vars.fresh(ax.factors[0]!);
    heads.push(`${x.name}:${x.size}`);
    ix.push({ vars: [x] });
    axes.push({ batch: false, size: x.size, parts: [shape.length] });
    shape.push(x.size);
  });
  const name = net.name(`${onnx}_in`, "h");
  net.defs.push({ name, text: `${name}[${heads.join(", ")}] = ${read(v, ix, `${node} (${opType})`)}`, from: [`the input of ${opType} ${JSON.stringify(node)}, laid out plainly`], onnx });
  return { kind: "view", ref: name, shape, axes };
}
