/**
 * Slice keys: a unit's signature (signature.ts) without walking its fan-in.
 *
 * The program that records a unit (compositional.ts: the definitions at a generic position,
 * the correspondences' reads, the transformed parameters) is the same for every unit of a
 * tensor; it depends on the unit only through the unit's coordinates (and its source's and
 * its correspondence unit, which are functions of them). Every index of a read is an affine
 * expression; the definitions are compiled once per tensor, without expanding any sum, and
 * each index is classified:
 *
 * - U (unit level): it has unit variables and no summed variables. Its value is the same in
 *   every iteration of every sum, and is computed here.
 * - I (independent): it has no unit variables (only summed and positional variables, or
 *   none). Its value in each iteration does not depend on the unit at all.
 * - mixed (unit and summed variables): not handled; the tensor's units keep full records.
 *
 * Everything the program looks up at a U index is written into the key: whether the read
 * falls outside its tensor, the factor a scale step puts on that row (its term, serialised,
 * with scalar entries numbered), whether a flip step flips it, the unit a correspondence
 * maps it to and its factor. Whatever the program looks up at I indices is the same for all
 * units. Each leaf of the record (a parameter entry, an input entry, a stand-in, a scalar
 * entry) is an object (a parameter, the input, a tensor's stand-ins, a scalar) at a tuple of
 * coordinates, one per slot (axis). A *slice* is an object together with the values of its U
 * slots; the key numbers slices in order of first occurrence, with one encoding of an
 * object's slices for all its reads (so equal slices always get equal numbers).
 *
 * Why equal keys give equal records (so the units' obligations are alpha-equivalent by the
 * argument of signature.ts). The record is made by a fixed program whose every decision
 * and every token depends on (a) the program (the same for all units), (b) data looked up at
 * U indices, all in the key, (c) data looked up at I indices, the same for all units, and
 * (d) the numbering of leaves by first occurrence, which is fixed by the order of the
 * program's leaf reads (fixed by a-c) and by which leaf reads hit the same leaf. Two leaf
 * reads hit the same leaf iff they read the same object at equal coordinates in every slot.
 * The keys require that each slot of an object is read at one level only in the tensor's
 * program (U everywhere or I everywhere, checked when compiling; for a scalar entry inside a
 * factor term, when the term is first met; otherwise no key), so two reads hit
 * the same leaf iff their slices are equal (the key's numbering says so) and their I
 * coordinates are equal (the same for all units). Hence equal keys, equal records. A slot
 * read at both levels is what a naive slice key gets wrong: with one scalar c scaling both
 * the rows and the columns of a square weight, the row factor c[i] meets the column factor
 * c[j] at j = i, a different place for every unit (test/obligations/slices.test.ts).
 *
 * Not handled (the units keep full records): linear correspondences, correspondences with
 * a shift, guards over unit or positional variables, parameter indices with positional
 * variables, reshapes of positional indices, steps other than permute, scale and flip,
 * precomputed terms with symbols other than scalars, slopes and other networks' parameters.
 */
import type { Affine, IExpr } from "../elaborate/types.ts";
import { affineText } from "../elaborate/iexpr.ts";
import type { Correspondences, NodeCorrespondence } from "../semantics/correspondence.ts";
import type { Shapes } from "../semantics/generic.ts";
import type { Sym, Term } from "../semantics/types.ts";
import type { ChangeAt } from "./transformed.ts";

/** One side's definition as the unit program evaluates it. */
export interface SlicePart {
  readonly expr: IExpr;
  /** Its unit variables, bound to the unit's coordinates (right) or its source's (left). */
  readonly vars: readonly string[];
  readonly shapes: Shapes;
  /** The right network reads transformed parameters and hidden tensors through correspondences. */
  readonly right: boolean;
}

/** What the keys of one tensor's units are computed from. */
export interface SliceSetting {
  readonly rhs: SlicePart;
  readonly lhs: SlicePart;
  readonly positional: ReadonlySet<string>;
  /** The tensor's own correspondence (its factor and shift at the unit). */
  readonly c: NodeCorrespondence;
  readonly corr: Correspondences;
  /** The transformed parameters' changes (transformed.ts). */
  readonly changes: ReadonlyMap<string, readonly ChangeAt[]>;
  readonly renamable: ReadonlySet<string>;
  /** Parameters of the left network (their entries are leaves). */
  readonly params: ReadonlySet<string>;
}

/** Raised while compiling when the tensor is not covered: its units keep their full records. */
class Uncovered extends Error {}

export const U = 1;
export const I = 2;

/** A compiled index: at U, its value from the unit's values (a number, or a positional pattern and offset). */
type Index = { readonly l: typeof U; readonly num: ((u: readonly number[]) => number) | null; readonly text: (u: readonly number[]) => string } | { readonly l: typeof I; readonly numeric: boolean };

/** A step of a unit's key; false when the unit is not covered. */
type Op = (u: readonly number[]) => boolean;

/** A precomputed term's serialisation: tokens, with its scalar entries (renumbered per unit) at marked places. */
interface TermCode {
  readonly tokens: readonly number[];
  readonly scalars: readonly Sym[];
  readonly ok: boolean;
}

/** Leaf objects' numbers are spaced so that an object's entries never meet another's. */
const SPACE = 2 ** 36;
/** The token that stands for the next scalar entry of a term. */
const SCALAR = -3;

/** The keys of one tensor's units: see above. Subclasses in tests break the rule on purpose (negative controls). */
export class SliceKey {
  private buf: number[] = [];
  private readonly slices = new Map<number | string, number>();
  /** The level of every object's slot that the program reads (fixed by the program). */
  private readonly levels = new Map<string, number>();
  private readonly names = new Map<string, number>();
  private readonly objects = new Map<string, number>();
  private readonly codes = new WeakMap<Term, TermCode>();
  private readonly scalarNums = new Map<string, number>();
  private readonly rhsOps: Op[] | null = null;
  private readonly lhsOps: Op[] | null = null;

  constructor(private readonly s: SliceSetting) {
    try {
      this.rhsOps = this.compile(s.rhs);
      this.lhsOps = this.compile(s.lhs);
    } catch (e) {
      if (!(e instanceof Uncovered)) throw e;
      this.rhsOps = this.lhsOps = null;
    }
  }

  /** The key of the unit at `coords` (source `srcCoords`, correspondence unit `cu`), or null when not covered. */
  key(coords: readonly number[], srcCoords: readonly number[], cu: number): Int32Array | null {
    if (!this.rhsOps || !this.lhsOps) return null;
    this.buf = [];
    this.slices.clear();
    for (const op of this.rhsOps) if (!op(coords)) return null;
    if (!this.term(this.s.c.factor[cu]!) || !this.term(this.s.c.shift[cu]!)) return null;
    for (const op of this.lhsOps) if (!op(srcCoords)) return null;
    return Int32Array.from(this.buf);
  }

  protected put(x: number): void {
    this.buf.push(x);
  }

  private intern(key: string): number {
    let id = this.names.get(key);
    if (id === undefined) this.names.set(key, (id = this.names.size));
    return id;
  }

  /** The number of a leaf object (a parameter, the input, a tensor's stand-ins, a scalar). */
  private object(name: string): number {
    let id = this.objects.get(name);
    if (id === undefined) this.objects.set(name, (id = this.objects.size));
    return id;
  }

  /** Slot `slot` of `object` is read at `level`; false when it is also read at the other level. */
  protected level(object: string, slot: number, level: number): boolean {
    const k = `${object}#${slot}`;
    const was = this.levels.get(k);
    if (was === undefined) this.levels.set(k, level);
    return was === undefined || was === level;
  }

  /** Mark every slot of a read (U or I); a slot read at both levels leaves the tensor uncovered. */
  private mark(object: string, levels: readonly number[]): void {
    levels.forEach((l, a) => {
      if (!this.level(object, a, l)) throw new Uncovered();
    });
  }

  /** The slice `key` (an object and the values of its U slots), numbered by first occurrence. */
  protected slice(key: number | string): void {
    let n = this.slices.get(key);
    if (n === undefined) this.slices.set(key, (n = this.slices.size));
    this.put(n);
  }

  private compile(p: SlicePart): Op[] {
    const ops: Op[] = [];
    const slots = new Map(p.vars.map((v, i) => [v, i]));
    const summed = new Set<string>();
    const walk = (e: IExpr): void => {
      switch (e.k) {
        case "const":
          return;
        case "read":
          ops.push(this.read(e, p, slots, summed));
          return;
        case "add":
        case "mul":
          e.args.forEach(walk);
          return;
        case "neg":
        case "act":
          return walk(e.a);
        case "div":
          walk(e.a);
          return walk(e.b);
        case "sum":
        case "max": {
          // A summed variable shadows a unit variable of the same name.
          const shadowed = slots.get(e.v);
          const had = summed.has(e.v);
          slots.delete(e.v);
          summed.add(e.v);
          walk(e.body);
          if (!had) summed.delete(e.v);
          if (shadowed !== undefined) slots.set(e.v, shadowed);
          return;
        }
        case "guard": {
          // A guard over summed variables and constants only decides the same for all units.
          const free = (a: Affine) => a.terms.every((t) => summed.has(t.v));
          if (!free(e.lhs) || !free(e.rhs)) throw new Uncovered();
          return walk(e.body);
        }
      }
    };
    walk(p.expr);
    return ops;
  }

  /** The level of an index and how to compute it at U (compileIndex in semantics/generic.ts). */
  private index(a: Affine, slots: ReadonlyMap<string, number>, summed: ReadonlySet<string>): Index {
    const unit: { i: number; k: number }[] = [];
    const pos: { v: string; k: number }[] = [];
    let loop = false;
    for (const t of a.terms) {
      const i = slots.get(t.v);
      if (summed.has(t.v)) loop = true;
      else if (i !== undefined) unit.push({ i, k: t.k });
      else if (this.s.positional.has(t.v)) pos.push(t);
      else throw new Uncovered();
    }
    if (pos.length > 0 && (a.div !== undefined || a.mod !== undefined)) throw new Uncovered();
    if (unit.length > 0 && loop) throw new Uncovered();
    if (unit.length === 0) return { l: I, numeric: pos.length === 0 };
    const c0 = a.c;
    const { div: d, mod: m } = a;
    const offset = (u: readonly number[]) => {
      let c = c0;
      for (const t of unit) c += t.k * u[t.i]!;
      return c;
    };
    if (pos.length > 0) {
      const pattern = affineText({ terms: pos, c: 0 });
      return { l: U, num: null, text: (u) => `${pattern}@${offset(u)}` };
    }
    const num = (u: readonly number[]) => {
      let c = offset(u);
      if (d !== undefined) c = Math.floor(c / d);
      if (m !== undefined) c = ((c % m) + m) % m;
      return c;
    };
    return { l: U, num, text: (u) => `${num(u)}` };
  }

  private read(e: Extract<IExpr, { k: "read" }>, p: SlicePart, slots: ReadonlyMap<string, number>, summed: ReadonlySet<string>): Op {
    const shape = p.shapes.get(`${e.src}:${e.name}`);
    if (!shape) throw new Uncovered();
    const idx = e.at.map((a) => this.index(a, slots, summed));
    const levels = idx.map((g) => g.l);
    const numeric = idx.every((g) => (g.l === U ? g.num !== null : g.numeric));
    const uAxes = idx.flatMap((g, a) => (g.l === U ? [a] : []));
    const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
    // Outside the tensor at a U index: zero in every iteration (the key says so).
    const values = (u: readonly number[]): number[] | null => {
      const v: number[] = [];
      for (const a of uAxes) {
        const g = idx[a] as Extract<Index, { l: typeof U }>;
        if (g.num === null) continue;
        const x = g.num(u);
        if (x < 0 || x >= shape[a]!) return null;
        v[a] = x;
      }
      return v;
    };
    const numberKey = (object: number, v: readonly number[]) => {
      let id = 0;
      for (const a of uAxes) id += v[a]! * strides[a]!;
      return object * SPACE + id;
    };
    const textKey = (object: number, u: readonly number[], v: readonly number[]) => `${object}|${uAxes.map((a) => (v[a] !== undefined ? v[a] : (idx[a] as Extract<Index, { l: typeof U }>).text(u))).join(",")}`;
    // One encoding of slices for every read of an object: two reads hit one leaf iff their keys are equal.
    const allNumbers = uAxes.every((a) => (idx[a] as Extract<Index, { l: typeof U }>).num !== null);
    const keyOf = (object: number, u: readonly number[], v: readonly number[]) => (allNumbers ? numberKey(object, v) : textKey(object, u, v));
    const leaf = (name: string): Op => {
      this.mark(name, levels);
      const object = this.object(name);
      return (u) => {
        const v = values(u);
        this.put(v ? 0 : 1);
        if (v) this.slice(keyOf(object, u, v));
        return true;
      };
    };
    if (e.src === "param") {
      if (!numeric) throw new Uncovered();
      return p.right ? this.transformedParam(e.name, levels, values, (v) => numberKey(this.object(`param:${e.name}`), v)) : leaf(`param:${e.name}`);
    }
    if (e.src === "input") return leaf(numeric ? "input" : "z:@input");
    if (!p.right) return leaf(`z:${e.name}`);
    return this.through(e.name, idx, levels, values, keyOf);
  }

  /** A hidden tensor of the right network, through its correspondence (rhsReads in compositional.ts). */
  private through(name: string, idx: readonly Index[], levels: readonly number[], values: (u: readonly number[]) => number[] | null, key: (object: number, u: readonly number[], v: readonly number[]) => number | string): Op {
    const c = this.s.corr.get(name);
    if (!c || c.linear || !c.shift.every((t) => t.t === "const" && t.v.isZero())) throw new Uncovered();
    const acted = c.axes.map((a) => idx[a]!);
    if (acted.some((g) => (g.l === U ? g.num === null : !g.numeric))) throw new Uncovered();
    const level = acted.some((g) => g.l === U) ? U : I;
    if (acted.some((g) => g.l !== level)) throw new Uncovered();
    const source = `z:${c.source}`;
    this.mark(source, levels);
    const object = this.object(source);
    if (level === I) {
      for (const id of this.scalarIds(c.factor)) if (!this.level(`scalar:${id}`, 0, I)) throw new Uncovered();
      return (u) => {
        const v = values(u);
        this.put(v ? 0 : 1);
        if (v) this.slice(key(object, u, v));
        return true;
      };
    }
    return (u) => {
      const v = values(u);
      this.put(v ? 0 : 1);
      if (!v) return true;
      let t = 0;
      for (let k = 0; k < c.axes.length; k++) t = t * c.sizes[k]! + v[c.axes[k]!]!;
      if (!this.term(c.factor[t]!)) return false;
      let q = c.perm[t]!;
      const w = v.slice();
      for (let k = c.axes.length - 1; k >= 0; k--) {
        w[c.axes[k]!] = q % c.sizes[k]!;
        q = Math.floor(q / c.sizes[k]!);
      }
      this.slice(key(object, u, w));
      return true;
    };
  }

  /** Entry of a transformed parameter (transformed.ts, `run`), its U axes at `values`. */
  private transformedParam(name: string, levels: readonly number[], values: (u: readonly number[]) => number[] | null, key: (v: readonly number[]) => number): Op {
    this.mark(`param:${name}`, levels);
    const list = this.s.changes.get(name) ?? [];
    const steps: ((v: number[]) => boolean)[] = [];
    for (let n = list.length - 1; n >= 0; n--) {
      const { change } = list[n]!;
      switch (change.k) {
        case "permute": {
          if (new Set(change.moves.map((m) => m.axis)).size !== change.moves.length) throw new Uncovered();
          const moves = change.moves.filter((m) => levels[m.axis] === U);
          if (moves.length > 0)
            steps.push((v) => {
              for (const m of moves) v[m.axis] = m.inv[v[m.axis]!]!;
              return true;
            });
          break;
        }
        case "scale": {
          if (levels[change.axis] !== U) {
            for (const id of this.scalarIds(change.factor)) if (!this.level(`scalar:${id}`, 0, I)) throw new Uncovered();
            break;
          }
          const { factor, axis } = change;
          steps.push((v) => {
            const f = factor[v[axis]!];
            this.put(f ? 1 : 0);
            return !f || this.term(f);
          });
          break;
        }
        case "flip": {
          if (levels[change.axis] !== U) break;
          const { flipped, axis } = change;
          steps.push((v) => {
            this.put(flipped.has(v[axis]!) ? 1 : 0);
            return true;
          });
          break;
        }
        case "correct":
          throw new Uncovered();
      }
    }
    return (u) => {
      const v = values(u);
      this.put(v ? 0 : 1);
      if (!v) return true;
      for (const step of steps) if (!step(v)) return false;
      this.slice(key(v));
      return true;
    };
  }

  /** The scalars that terms mention (for the levels of reads at I indices). */
  private scalarIds(terms: readonly (Term | undefined)[]): string[] {
    const out = new Set<string>();
    const walk = (t: Term): void => {
      if (t.t === "sym") {
        if (t.s.kind === "scalar") out.add(t.s.id);
        else if (t.s.kind === "free" || t.s.kind === "input" || (t.s.kind === "param" && this.s.params.has(t.s.name))) throw new Uncovered();
      } else if (t.t === "add" || t.t === "mul") t.args.forEach(walk);
      else if (t.t === "div") {
        walk(t.a);
        walk(t.b);
      } else if (t.t === "app") walk(t.arg);
      else if (t.t === "ite") throw new Uncovered();
    };
    for (const t of terms) if (t) walk(t);
    return [...out];
  }

  /**
   * A precomputed term at a U index: its structure, with its scalar entries as slices, and an
   * end mark (so that the key reads back one way). False when not covered (a symbol other
   * than a scalar, a slope or another network's parameter; a scalar also read at I).
   */
  protected term(t: Term): boolean {
    let code = this.codes.get(t);
    if (!code) this.codes.set(t, (code = this.code(t)));
    if (!code.ok) return false;
    let k = 0;
    for (const x of code.tokens) {
      if (x === SCALAR) {
        const s = code.scalars[k++]!;
        let n = this.scalarNums.get(s.key);
        if (n === undefined) this.scalarNums.set(s.key, (n = this.scalarNums.size));
        // Which scalar, not only which of its entries: two units whose factors are entries of
        // different scalars (c > 0 and d < 0) must never share a key.
        const object = this.object(`scalar:${(s as Extract<Sym, { kind: "scalar" }>).id}`);
        this.put(SCALAR);
        this.put(object);
        this.slice(object * SPACE + n);
      } else this.put(x);
    }
    this.put(-10);
    return true;
  }

  /** Serialise a term once (as Signature.serialise: post-order, a node met again is a reference). */
  private code(t: Term): TermCode {
    const tokens: number[] = [];
    const scalars: Sym[] = [];
    let ok = true;
    const seen = new Map<Term, number>();
    const node = (t: Term): void => {
      if (t.t === "const") return void tokens.push(-2, this.intern(`const ${t.v.toString()}`));
      if (t.t === "sym") {
        const s = t.s;
        if (s.kind === "scalar") {
          // A scalar entry of a term is read at U: its scalar must not be read at I.
          if (!this.level(`scalar:${s.id}`, 0, U)) ok = false;
          scalars.push(s);
          tokens.push(SCALAR);
          if (!this.s.renamable.has(s.id)) tokens.push(-11, this.intern(`scalar ${s.key}`));
          return;
        }
        if (s.kind === "slope" || (s.kind === "param" && !this.s.params.has(s.name))) return void tokens.push(-4, this.intern(`${s.kind} ${s.key}`));
        ok = false;
        return;
      }
      const k = seen.get(t);
      if (k !== undefined) return void tokens.push(-5, k);
      switch (t.t) {
        case "add":
        case "mul":
          t.args.forEach(node);
          tokens.push(t.t === "add" ? -6 : -7, t.args.length, t.label === undefined ? -1 : this.intern(`label ${t.label}`));
          break;
        case "div":
          node(t.a);
          node(t.b);
          tokens.push(-8);
          break;
        case "app":
          node(t.arg);
          tokens.push(-9, this.intern(`act ${t.act.key}`), t.label === undefined ? -1 : this.intern(`label ${t.label}`));
          break;
        case "ite":
          ok = false;
          break;
      }
      seen.set(t, seen.size);
    };
    node(t);
    return { tokens, scalars, ok };
  }
}
