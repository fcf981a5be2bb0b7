/**
 * Slice keys: a unit's signature (signature.ts) without walking its fan-in.
 *
 * The program that records a unit (compositional.ts: the definitions at a generic position,
 * the correspondences' reads, the transformed parameters) is the same for every unit of a
 * tensor; it depends on the unit only through the unit's coordinates (and its source's and
 * its correspondence unit, which are functions of them). Every index of a read is an affine
 * expression; this walker classifies each one, without expanding any sum:
 *
 * - U (unit level): it has unit variables and no summed variables. Its value is the same in
 *   every iteration of every sum, and is computed here.
 * - I (independent): it has no unit variables (only summed and positional variables, or
 *   none). Its value in each iteration does not depend on the unit at all.
 * - mixed (unit and summed variables): not handled; the unit keeps its full record.
 *
 * Everything the program looks up at a U index is written into the key: whether the read
 * falls outside its tensor, the factor a scale step puts on that row (its term, serialised,
 * with scalar entries numbered), whether a flip step flips it, the unit a correspondence
 * maps it to and its factor. Whatever the program looks up at I indices is the same for all
 * units. Each leaf of the record (a parameter entry, an input entry, a stand-in, a scalar
 * entry) is an object (a parameter, the input, a tensor's stand-ins, a scalar) at a tuple of
 * coordinates, one per slot (axis). A *slice* is an object together with the values of its U
 * slots; the key numbers slices in order of first occurrence.
 *
 * Why equal keys give equal records (so the units' obligations are alpha-equivalent by the
 * argument of signature.ts). The record is made by a fixed program whose every decision
 * and every token depends on (a) the program (the same for all units), (b) data looked up at
 * U indices, all in the key, (c) data looked up at I indices, the same for all units, and
 * (d) the numbering of leaves by first occurrence, which is fixed by the order of the
 * program's leaf reads (fixed by a-c) and by which leaf reads hit the same leaf. Two leaf
 * reads hit the same leaf iff they read the same object at equal coordinates in every slot.
 * The walker requires that each slot of an object is read at one level only within a unit
 * (U everywhere or I everywhere; otherwise the unit keeps its full record), so two reads hit
 * the same leaf iff their slices are equal (the key's numbering says so) and their I
 * coordinates are equal (the same for all units). Hence equal keys, equal records. A slot
 * read at both levels is what a naive slice key gets wrong: with one scalar c scaling both
 * the rows and the columns of a square weight, the row factor c[i] meets the column factor
 * c[j] at j = i, a different place for every unit (test/obligations/slices.test.ts).
 *
 * Not handled (the unit keeps its full record): linear correspondences, correspondences with
 * a shift, guards over unit or positional variables, parameter indices with positional
 * variables, reshapes of positional indices, steps other than permute, scale and flip,
 * precomputed terms with symbols other than scalars, slopes and other networks' parameters.
 */
import type { Affine, IExpr } from "../elaborate/types.ts";
import { affineText } from "../elaborate/iexpr.ts";
import type { Rational } from "../numeric/rational.ts";
import type { Correspondences, NodeCorrespondence } from "../semantics/correspondence.ts";
import type { Shapes } from "../semantics/generic.ts";
import type { Term } from "../semantics/types.ts";
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
  readonly inputShape: readonly number[];
  /** Parameters of the left network (their entries are leaves). */
  readonly params: ReadonlySet<string>;
}

/** Raised inside the walk when the unit is not covered: it keeps its full record. */
class Uncovered extends Error {}

const U = 1;
const I = 2;

type Level = { readonly l: typeof U; readonly v: number } | { readonly l: typeof I };
/** An index's level and, at U, its value: a number, or a positional pattern and offset. */
type Index = { readonly l: typeof U; readonly at: number | null; readonly text: string } | { readonly l: typeof I; readonly at: number | null };

/** The key of a unit: see above. Subclasses in tests break the rule on purpose (negative controls). */
export class SliceKey {
  private buf: number[] = [];
  private readonly slices = new Map<string, number>();
  private readonly levels = new Map<string, number>();
  private readonly names = new Map<string, number>();
  private readonly scalarsOf = new WeakMap<object, string[]>();
  private env = new Map<string, Level>();

  constructor(private readonly s: SliceSetting) {}

  /** The key of the unit at `coords` (source `srcCoords`, correspondence unit `cu`), or null when not covered. */
  key(coords: readonly number[], srcCoords: readonly number[], cu: number): Int32Array | null {
    this.buf = [];
    this.slices.clear();
    this.levels.clear();
    try {
      const { rhs, lhs, c } = this.s;
      this.part(rhs, coords);
      this.term(c.factor[cu]!);
      this.term(c.shift[cu]!);
      this.part(lhs, srcCoords);
      return Int32Array.from(this.buf);
    } catch (e) {
      if (e instanceof Uncovered) return null;
      throw e;
    }
  }

  protected put(x: number): void {
    this.buf.push(x);
  }

  private intern(key: string): number {
    let id = this.names.get(key);
    if (id === undefined) this.names.set(key, (id = this.names.size));
    return id;
  }

  /** Slot `slot` of `object` is read at `level`; a slot read at both levels is not covered. */
  protected level(object: string, slot: number, level: number): void {
    const k = `${object}#${slot}`;
    const was = this.levels.get(k);
    if (was === undefined) this.levels.set(k, level);
    else if (was !== level) throw new Uncovered();
  }

  /** A leaf read of `object` whose U slots have `values` (I slots: undefined). */
  protected slice(object: string, values: readonly (string | number | undefined)[]): void {
    values.forEach((v, a) => this.level(object, a, v === undefined ? I : U));
    const k = `${object}|${values.map((v) => (v === undefined ? "" : String(v))).join(",")}`;
    let n = this.slices.get(k);
    if (n === undefined) this.slices.set(k, (n = this.slices.size));
    this.put(n);
  }

  private part(p: SlicePart, values: readonly number[]): void {
    this.env = new Map<string, Level>(p.vars.map((v, i) => [v, { l: U, v: values[i]! }]));
    this.expr(p.expr, p);
  }

  private expr(e: IExpr, p: SlicePart): void {
    switch (e.k) {
      case "const":
        return;
      case "read":
        return this.read(e, p);
      case "add":
      case "mul":
        for (const a of e.args) this.expr(a, p);
        return;
      case "neg":
      case "act":
        return this.expr(e.a, p);
      case "div":
        this.expr(e.a, p);
        return this.expr(e.b, p);
      case "sum":
      case "max": {
        const outer = this.env.get(e.v);
        this.env.set(e.v, { l: I });
        this.expr(e.body, p);
        if (outer) this.env.set(e.v, outer);
        else this.env.delete(e.v);
        return;
      }
      case "guard": {
        // A guard over summed variables and constants only decides the same for all units.
        const free = (a: Affine) => a.terms.every((t) => this.env.get(t.v)?.l === I);
        if (!free(e.lhs) || !free(e.rhs)) throw new Uncovered();
        return this.expr(e.body, p);
      }
    }
  }

  /** The level of an index and its value at U (compileIndex in semantics/generic.ts). */
  private index(a: Affine): Index {
    let unit = false;
    let summed = false;
    let c = a.c;
    const pos: { v: string; k: number }[] = [];
    for (const t of a.terms) {
      const b = this.env.get(t.v);
      if (b === undefined) {
        if (!this.s.positional.has(t.v)) throw new Uncovered();
        pos.push(t);
      } else if (b.l === U) {
        unit = true;
        c += t.k * b.v;
      } else summed = true;
    }
    if (pos.length > 0 && (a.div !== undefined || a.mod !== undefined)) throw new Uncovered();
    if (unit && summed) throw new Uncovered();
    if (!unit) return { l: I, at: pos.length > 0 ? null : 0 };
    if (pos.length > 0) return { l: U, at: null, text: `${affineText({ terms: pos, c: 0 })}@${c}` };
    if (a.div !== undefined) c = Math.floor(c / a.div);
    if (a.mod !== undefined) c = ((c % a.mod) + a.mod) % a.mod;
    return { l: U, at: c, text: `${c}` };
  }

  private read(e: Extract<IExpr, { k: "read" }>, p: SlicePart): void {
    const shape = p.shapes.get(`${e.src}:${e.name}`);
    if (!shape) throw new Uncovered();
    const idx = e.at.map((a) => this.index(a));
    // Outside the tensor at a U index: zero in every iteration (the key says so).
    const outside = idx.some((g, a) => g.l === U && g.at !== null && (g.at < 0 || g.at >= shape[a]!));
    this.put(outside ? 1 : 0);
    if (outside) return;
    if (e.src === "param") {
      if (idx.some((g) => g.at === null)) throw new Uncovered();
      const values = idx.map((g) => (g.l === U ? g.at! : undefined));
      return p.right ? this.transformedParam(e.name, values) : this.slice(`param:${e.name}`, values);
    }
    if (e.src === "input") return this.input(idx);
    if (!p.right) return this.slice(`z:${e.name}`, idx.map((g) => (g.l === U ? g.text : undefined)));
    this.through(e.name, idx);
  }

  /** The input: its entries when every index is a number, else its stand-ins (inputRead). */
  private input(idx: readonly Index[]): void {
    if (idx.every((g) => g.at !== null)) return this.slice("input", idx.map((g) => (g.l === U ? g.at! : undefined)));
    return this.slice("z:@input", idx.map((g) => (g.l === U ? g.text : undefined)));
  }

  /** A hidden tensor of the right network, through its correspondence (rhsReads in compositional.ts). */
  private through(name: string, idx: readonly Index[]): void {
    const c = this.s.corr.get(name);
    if (!c || c.linear || c.shift.some((t) => !(t.t === "const" && t.v.isZero()))) throw new Uncovered();
    const acted = c.axes.map((a) => idx[a]!);
    if (acted.some((g) => g.at === null)) throw new Uncovered();
    const level = acted.some((g) => g.l === U) ? U : I;
    if (acted.some((g) => g.l !== level)) throw new Uncovered();
    const values = idx.map((g) => (g.l === U ? g.text : undefined));
    if (level === I) {
      for (const id of this.scalarIds(c.factor)) this.level(`scalar:${id}`, 0, I);
      return this.slice(`z:${c.source}`, values);
    }
    let t = 0;
    for (let k = 0; k < c.axes.length; k++) t = t * c.sizes[k]! + (acted[k] as { at: number }).at;
    this.term(c.factor[t]!);
    let q = c.perm[t]!;
    for (let k = c.axes.length - 1; k >= 0; k--) {
      values[c.axes[k]!] = `${q % c.sizes[k]!}`;
      q = Math.floor(q / c.sizes[k]!);
    }
    this.slice(`z:${c.source}`, values);
  }

  /** Entry of a transformed parameter (transformed.ts, `run`), its U axes at `values`. */
  private transformedParam(name: string, values: (number | undefined)[]): void {
    const list = this.s.changes.get(name) ?? [];
    for (let n = list.length - 1; n >= 0; n--) {
      const { change } = list[n]!;
      switch (change.k) {
        case "permute": {
          const axes = change.moves.map((m) => m.axis);
          if (new Set(axes).size !== axes.length) throw new Uncovered();
          for (const m of change.moves) if (values[m.axis] !== undefined) values[m.axis] = m.inv[values[m.axis]!]!;
          break;
        }
        case "scale": {
          const x = values[change.axis];
          if (x === undefined) {
            for (const id of this.scalarIds(change.factor)) this.level(`scalar:${id}`, 0, I);
            break;
          }
          const f = change.factor[x];
          this.put(f ? 1 : 0);
          if (f) this.term(f);
          break;
        }
        case "flip": {
          const x = values[change.axis];
          if (x !== undefined) this.put(change.flipped.has(x) ? 1 : 0);
          break;
        }
        case "correct":
          throw new Uncovered();
      }
    }
    this.slice(`param:${name}`, values);
  }

  /** The scalars that terms mention (for the levels of reads at I indices). */
  private scalarIds(terms: readonly (Term | undefined)[]): string[] {
    let ids = this.scalarsOf.get(terms);
    if (!ids) {
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
      this.scalarsOf.set(terms, (ids = [...out]));
    }
    return ids;
  }

  private constant(v: Rational): number {
    return this.intern(`const ${v.toString()}`);
  }

  /**
   * A precomputed term at a U index: its structure, with scalar entries as slices (as
   * Signature.serialise), and an end mark (so that the key reads back one way).
   */
  protected term(t: Term): void {
    this.node(t, new Map());
    this.put(-10);
  }

  private node(t: Term, seen: Map<Term, number>): void {
    if (t.t === "const") return this.put2(-2, this.constant(t.v));
    if (t.t === "sym") {
      const s = t.s;
      if (s.kind === "scalar") {
        this.put(-3);
        this.slice(`scalar:${s.id}`, [s.key]);
        if (!this.s.renamable.has(s.id)) this.put2(-11, this.intern(`scalar ${s.key}`));
        return;
      }
      if (s.kind === "slope" || (s.kind === "param" && !this.s.params.has(s.name))) return this.put2(-4, this.intern(`${s.kind} ${s.key}`));
      throw new Uncovered();
    }
    const k = seen.get(t);
    if (k !== undefined) return this.put2(-5, k);
    switch (t.t) {
      case "add":
      case "mul":
        for (const a of t.args) this.node(a, seen);
        this.put2(t.t === "add" ? -6 : -7, t.args.length);
        this.put(t.label === undefined ? -1 : this.intern(`label ${t.label}`));
        break;
      case "div":
        this.node(t.a, seen);
        this.node(t.b, seen);
        this.put(-8);
        break;
      case "app":
        this.node(t.arg, seen);
        this.put2(-9, this.intern(`act ${t.act.key}`));
        this.put(t.label === undefined ? -1 : this.intern(`label ${t.label}`));
        break;
      case "ite":
        throw new Uncovered();
    }
    seen.set(t, seen.size);
  }

  private put2(a: number, b: number): void {
    this.put(a);
    this.put(b);
  }
}
