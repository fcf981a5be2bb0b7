/**
 * Unit signatures: the compositional strategy builds one obligation per unit of every
 * hidden tensor, and most units of a layer give the same obligation up to renaming. A
 * signature finds them without building terms.
 *
 * A unit's obligation is made by one deterministic program (compositional.ts, through
 * semantics/generic.ts) that calls the operations of an algebra -- zero, constants, sums,
 * products, quotients, activations, max -- on leaves: parameter entries, stand-ins, the
 * input, and precomputed terms (factors, shifts, transformed parameter entries). In the
 * term algebra these calls build the obligation; in this one they are *recorded*: each
 * call appends a token (post-order, with its arity), each leaf symbol a token naming its
 * class and its number in order of first occurrence within the unit, each embedded term
 * its own post-order serialisation (with its labels, constants, activation keys).
 *
 * Why equal signatures mean alpha-equivalent obligations (README, "How claims are proved"):
 * the record determines the program's calls and leaves up to the renaming rho that maps the
 * k-th distinct leaf of one unit to the k-th of the other; rho is a bijection between the
 * two leaf sets (first-occurrence numbering), and the term constructors look only at the
 * kind of a node, its label and constant values -- never at which symbol a leaf is -- so
 * they commute with rho: the second obligation is rho(first). Its tracked assumptions are
 * rho's image too: side conditions follow the scalars in the goal, and rho maps an entry of
 * a scalar only to an entry of the same scalar (the class says which), whose condition has
 * the same form (a scalar whose condition mentions other scalars, and every scalar it
 * mentions, are never renamed: a renamed entry's only condition is its own); axiom
 * instances follow the goal's activation applications. So a proof of one (unsat of goal and
 * true assumptions) is, renamed, a proof of the other, and it is discharged once. Anything
 * not recorded cannot differ between the units, because the program reads nothing else.
 */
import { unreachable } from "../diagnostics/diagnostic.ts";
import type { Activation, Claim, SFormula } from "../elaborate/types.ts";
import type { Rational } from "../numeric/rational.ts";
import { standInName, type GenericAlgebra, type GIndex } from "../semantics/generic.ts";
import { affineText } from "../elaborate/iexpr.ts";
import type { Formula, Sym, Term } from "../semantics/types.ts";

/** The algebra a unit obligation is written in: generic entries, plus its own leaves. */
export interface UnitAlgebra<T> extends GenericAlgebra<T> {
  /** A precomputed term (a factor, a shift, a parameter entry of either network). */
  term(t: Term): T;
  /** Entry `flat` of parameter `name` of the left network (its symbol). */
  param(name: string, flat: number): T;
  /** The stand-in (a free symbol) for reading tensor `name` at `idx`: standInName(name, idx). */
  standIn(name: string, idx: readonly GIndex[]): T;
}

// Opcodes. Algebra calls and embedded term nodes have distinct codes: the constructors
// simplify (flatten, fold constants) while an embedded term is taken as it is.
const A_ZERO = 1, A_NUM = 2, A_ADD = 3, A_MUL = 4, A_NEG = 5, A_DIV = 6, A_APP = 7, A_MAX = 8;
const LEAF = 9, FIXED = 10, REF = 11;
const T_CONST = 12, T_ADD = 13, T_MUL = 14, T_DIV = 15, T_APP = 16, T_ITE = 17;
const F_CMP = 18, F_AND = 19, F_OR = 20, F_NOT = 21, F_IMPLIES = 22, F_TRUE = 23, F_FALSE = 24;
const MARK = 25;

/** Leaf classes: parameter entries, input entries, free symbols; scalars add their own. */
const C_PARAM = 0, C_INPUT = 1, C_FREE = 2, C_SCALAR = 3;

/**
 * Scalars an obligation's symbols may be renamed among: those whose side condition speaks
 * of its own entry only. A condition that mentions other scalar entries (or a relation such
 * as A inverse(A) = I) ties entries together, so their entries are kept by name.
 */
export function renamableScalars(claim: Claim): Set<string> {
  const tied = new Set<string>();
  const mentions = (f: SFormula | null, out: Set<string>) => {
    const stack: unknown[] = f ? [f] : [];
    while (stack.length > 0) {
      const x = stack.pop() as Record<string, unknown>;
      if (x === null || typeof x !== "object") continue;
      if (x.k === "scalar" && typeof x.id === "string") out.add(x.id);
      for (const v of Object.values(x)) if (v && typeof v === "object") stack.push(v);
    }
  };
  for (const c of claim.transform.conditions) mentions(c.formula, tied);
  const ok = new Set<string>();
  for (const s of claim.transform.scalars) {
    if (s.inverseOf) tied.add(s.inverseOf).add(s.id);
    // A condition that mentions other scalars ties them all: renaming an entry of a mentioned
    // scalar between units would change which entry the (unrenamed) condition constrains.
    const refs = new Set<string>();
    mentions(s.condition, refs);
    if (refs.size > 0) {
      tied.add(s.id);
      for (const r of refs) tied.add(r);
    }
  }
  for (const s of claim.transform.scalars) if (!tied.has(s.id)) ok.add(s.id);
  return ok;
}

/**
 * Records a unit's algebra calls (see above). `begin` starts a unit, `tokens` is its record
 * so far. Values are dummies (0): the record is the result.
 */
export class Signature implements UnitAlgebra<number> {
  private buf = new Int32Array(1 << 12);
  private len = 0;
  private gen = 0;
  private next = 0;
  private stamp: Int32Array;
  private local: Int32Array;
  private otherStamp = new Int32Array(1024);
  private otherLocal = new Int32Array(1024);
  private readonly paramBase = new Map<string, number>();
  private readonly ids = new Map<string, number>();
  private readonly consts = new Map<string, number>();
  private readonly constOf = new WeakMap<Rational, number>();
  private readonly names = new Map<string, number>();
  private readonly scalarClass = new Map<string, number>();
  private readonly tensors = new Map<string, number>();
  private readonly patterns = new WeakMap<object, number>();
  private readonly patternText = new Map<string, number>();
  private readonly standIns = new Map<string, number>();
  private readonly concrete = new Map<number, Map<number, number>>();
  private standInCount = 0;
  private lastName = "";
  private lastTid = 0;
  private lastTerms: object | null = null;
  private lastPid = 0;
  private readonly scalarIds = new WeakMap<Sym, { readonly id: number; readonly cls: number }>();
  private size: number;
  private otherBase: number;
  /** Set once a record met a free symbol inside a term: from then on records must not be compared. */
  tainted = false;

  constructor(
    claim: Claim,
    private readonly renamable: ReadonlySet<string>,
  ) {
    let n = 0;
    for (const p of claim.lhs.params) {
      this.paramBase.set(p.name, n);
      n += p.shape.reduce((a, b) => a * b, 1);
    }
    // Then the input's entries (one input tensor, shared by both sides), then other symbols.
    this.size = n;
    const inputs = claim.lhs.input.shape.reduce((a, b) => a * b, 1);
    this.otherBase = n + inputs;
    this.stamp = new Int32Array(this.otherBase);
    this.local = new Int32Array(this.otherBase);
  }

  begin(): void {
    this.gen++;
    this.next = 0;
    this.len = 0;
  }

  /** The record of the current unit (a view, valid until the next `begin`). */
  tokens(): Int32Array {
    return this.buf.subarray(0, this.len);
  }

  /** A separator between the parts of a unit's record. */
  mark(code: number): void {
    this.put(MARK, code);
  }

  /** Append tokens (up to three; -2 never occurs as a token and means "none"). */
  private put(a: number, b = -2, c = -2): void {
    if (this.len + 3 > this.buf.length) {
      const grown = new Int32Array(this.buf.length * 2);
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf[this.len++] = a;
    if (b !== -2) this.buf[this.len++] = b;
    if (c !== -2) this.buf[this.len++] = c;
  }

  private intern(map: Map<string, number>, key: string): number {
    let id = map.get(key);
    if (id === undefined) map.set(key, (id = map.size));
    return id;
  }

  private constId(v: Rational): number {
    let id = this.constOf.get(v);
    if (id === undefined) {
      id = this.intern(this.consts, v.toString());
      this.constOf.set(v, id);
    }
    return id;
  }

  /**
   * Leaf `g` (a global symbol number) of class `cls`, numbered by first occurrence. Numbers
   * from `otherBase` on (stand-ins, scalars) live in their own arrays, which grow with them,
   * so that they never copy the arrays of the parameters' entries.
   */
  private leaf(g: number, cls: number): void {
    let stamp = this.stamp;
    let local = this.local;
    let i = g;
    if (g >= this.otherBase) {
      i = g - this.otherBase;
      if (i >= this.otherStamp.length) {
        const grow = (a: Int32Array) => {
          const b = new Int32Array(Math.max(a.length * 2, i + 1));
          b.set(a);
          return b;
        };
        this.otherStamp = grow(this.otherStamp);
        this.otherLocal = grow(this.otherLocal);
      }
      stamp = this.otherStamp;
      local = this.otherLocal;
    }
    if (stamp[i] !== this.gen) {
      stamp[i] = this.gen;
      local[i] = this.next++;
    }
    this.put(LEAF, cls, local[i]!);
  }

  private other(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) this.ids.set(key, (id = this.otherBase + this.ids.size));
    return id;
  }

  private symbol(s: Sym): void {
    switch (s.kind) {
      case "param": {
        const base = this.paramBase.get(s.name);
        // A parameter of another network (a map's target) is named by its key, unrenamed.
        if (base === undefined) return this.put(FIXED, this.intern(this.names, `param ${s.key}`));
        return this.leaf(base + s.index, C_PARAM);
      }
      case "input":
        return this.leaf(this.size + s.index, C_INPUT);
      case "free":
        // Stand-ins are numbered through `standIn`; a free symbol inside a precomputed term
        // could be one of them under another number, so such records are not used at all.
        this.tainted = true;
        return this.put(FIXED, this.intern(this.names, `free ${s.key}`));
      case "scalar": {
        // Entry number and class, once per symbol object (factors are the same objects at every unit).
        let known = this.scalarIds.get(s);
        if (known === undefined) {
          known = this.renamable.has(s.id) ? { id: this.other(s.key), cls: C_SCALAR + this.intern(this.scalarClass, s.id) } : { id: this.intern(this.names, `scalar ${s.key}`), cls: -1 };
          this.scalarIds.set(s, known);
        }
        return known.cls < 0 ? this.put(FIXED, known.id) : this.leaf(known.id, known.cls);
      }
      case "slope":
        return this.put(FIXED, this.intern(this.names, `slope ${s.key}`));
      default:
        unreachable(s);
    }
  }

  // The algebra: record the call.
  zero(): number {
    this.put(A_ZERO);
    return 0;
  }
  num(v: Rational): number {
    this.put(A_NUM, this.constId(v));
    return 0;
  }
  add(xs: number[]): number {
    this.put(A_ADD, xs.length);
    return 0;
  }
  mul(xs: number[]): number {
    this.put(A_MUL, xs.length);
    return 0;
  }
  neg(): number {
    this.put(A_NEG);
    return 0;
  }
  div(): number {
    this.put(A_DIV);
    return 0;
  }
  app(act: Activation): number {
    this.put(A_APP, this.intern(this.names, `act ${act.key}`));
    return 0;
  }
  max(xs: number[]): number {
    this.put(A_MAX, xs.length);
    return 0;
  }
  /**
   * A stand-in is the free symbol standInName(name, idx). Its number comes from a key that
   * determines that name and is determined by it: the tensor, then per axis either the
   * concrete index or the positional pattern (its terms' text) and offset -- a number when
   * every index is concrete and small, else a short string; components that do not fit its
   * 16-bit characters fall back to the name itself. Which key a stand-in gets depends only
   * on the stand-in, so it always gets the same number.
   */
  /** The number of a positional pattern (its terms' text). */
  private pattern(terms: readonly { readonly v: string; readonly k: number }[]): number {
    if (terms === this.lastTerms) return this.lastPid;
    let pid = this.patterns.get(terms);
    if (pid === undefined) {
      pid = this.intern(this.patternText, affineText({ terms, c: 0 }));
      this.patterns.set(terms, pid);
    }
    this.lastTerms = terms;
    this.lastPid = pid;
    return pid;
  }

  param(name: string, flat: number): number {
    this.leaf(this.paramBase.get(name)! + flat, C_PARAM);
    return 0;
  }

  standIn(name: string, idx: readonly GIndex[]): number {
    let tid: number | undefined;
    if (name === this.lastName) tid = this.lastTid;
    else {
      tid = this.tensors.get(name);
      if (tid === undefined) this.tensors.set(name, (tid = this.tensors.size));
      this.lastName = name;
      this.lastTid = tid;
    }
    // Most keys are two small integers: the tensor (below 2^8) and the first axis' code,
    // then the other axes' codes (at most 2), 15 bits per axis: a concrete index below
    // 2^14, or a flag, a pattern below 2^5 and an offset in [-256, 256).
    if (idx.length <= 3 && tid < 0x100) {
      let outer = tid;
      let inner = 0;
      let fits = true;
      for (let a = 0; a < idx.length; a++) {
        const g = idx[a]!;
        let code: number;
        if (g.k === "at") {
          code = g.n;
          fits &&= g.n >= 0 && g.n < 0x4000;
        } else {
          const pid = this.pattern(g.a.terms);
          code = 0x4000 | (pid << 9) | (g.a.c + 0x100);
          fits &&= pid < 0x20 && g.a.c >= -0x100 && g.a.c < 0x100;
        }
        if (a === 0) outer = outer * 0x8000 + code;
        else inner = inner * 0x8000 + code;
      }
      if (fits) {
        let byInner = this.concrete.get(outer);
        if (!byInner) this.concrete.set(outer, (byInner = new Map()));
        let id = byInner.get(inner);
        if (id === undefined) byInner.set(inner, (id = this.other(`\uffff${this.standInCount++}`)));
        this.leaf(id, C_FREE);
        return 0;
      }
    }
    const codes: number[] = [tid];
    let fits = tid < 0xffff;
    for (const g of idx) {
      if (g.k === "at") codes.push(0, g.n);
      else {
        const pid = this.pattern(g.a.terms);
        codes.push(1, pid, g.a.c + 0x8000);
        fits &&= g.a.c > -0x8000 && g.a.c < 0x7fff;
      }
    }
    for (const x of codes) fits &&= x >= 0 && x < 0xffff;
    const key = fits ? String.fromCharCode(...codes) : `\uffff${standInName(name, idx)}`;
    let id = this.standIns.get(key);
    if (id === undefined) this.standIns.set(key, (id = this.other(`\uffff${this.standInCount++}`)));
    this.leaf(id, C_FREE);
    return 0;
  }
  term(t: Term): number {
    if (t.t === "sym") this.symbol(t.s);
    else if (t.t === "const") this.put(T_CONST, this.constId(t.v));
    else this.serialise(t, new Map());
    return 0;
  }

  private label(l: string | undefined): number {
    return l === undefined ? -1 : this.intern(this.names, `label ${l}`);
  }

  /** Post-order serialisation of a term; a node met again is a reference to its first visit. */
  private serialise(t: Term, seen: Map<Term, number>): void {
    if (t.t === "sym") return this.symbol(t.s);
    if (t.t === "const") return this.put(T_CONST, this.constId(t.v));
    const k = seen.get(t);
    if (k !== undefined) return this.put(REF, k);
    switch (t.t) {
      case "add":
      case "mul":
        for (const a of t.args) this.serialise(a, seen);
        this.put(t.t === "add" ? T_ADD : T_MUL, t.args.length, this.label(t.label));
        break;
      case "div":
        this.serialise(t.a, seen);
        this.serialise(t.b, seen);
        this.put(T_DIV);
        break;
      case "app":
        this.serialise(t.arg, seen);
        this.put(T_APP, this.intern(this.names, `act ${t.act.key}`), this.label(t.label));
        break;
      case "ite":
        this.formula(t.cond, seen);
        this.serialise(t.a, seen);
        this.serialise(t.b, seen);
        this.put(T_ITE);
        break;
      default:
        unreachable(t);
    }
    seen.set(t, seen.size);
  }

  private formula(f: Formula, seen: Map<Term, number>): void {
    switch (f.f) {
      case "cmp":
        this.serialise(f.a, seen);
        this.serialise(f.b, seen);
        return this.put(F_CMP, ["=", "!=", "<", "<=", ">", ">="].indexOf(f.op));
      case "and":
      case "or":
        for (const g of f.args) this.formula(g, seen);
        return this.put(f.f === "and" ? F_AND : F_OR, f.args.length);
      case "not":
        this.formula(f.a, seen);
        return this.put(F_NOT);
      case "implies":
        this.formula(f.a, seen);
        this.formula(f.b, seen);
        return this.put(F_IMPLIES);
      case "true":
        return this.put(F_TRUE);
      case "false":
        return this.put(F_FALSE);
      default:
        unreachable(f);
    }
  }
}
