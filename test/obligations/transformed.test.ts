/**
 * src/obligations/transformed.ts follows semantics/params.ts call for call: in the term
 * algebra it gives exactly the terms of the claim's transformed parameters, entry by entry
 * (unit signatures rely on it). Checked on random MLP compositions (valid and broken), random
 * tensor networks and every file of proofs/; the negative control runs the same law against a
 * transformation with its steps in the wrong order, which must fail.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { elaborate } from "../../src/elaborate/elaborate.ts";
import type { Claim } from "../../src/elaborate/types.ts";
import { paramChanges, transformed } from "../../src/obligations/transformed.ts";
import { wholeArray } from "../../src/obligations/falsify.ts";
import { evalTerm } from "../../src/numeric/evaluate.ts";
import { float64 } from "../../src/numeric/field.ts";
import type { UnitAlgebra } from "../../src/obligations/signature.ts";
import { freeSym, ZERO } from "../../src/semantics/build.ts";
import { claimModel, type ClaimModel } from "../../src/semantics/claim.ts";
import { standInName, termAlgebra } from "../../src/semantics/generic.ts";
import type { Formula, Term } from "../../src/semantics/types.ts";
import { load, readSource } from "../../src/syntax/load.ts";
import { brokenArb, render, validArb } from "../laws/cases.ts";
import { renderTensor, tensorBrokenArb, tensorValidArb } from "../laws/tensorCases.ts";
import { law, negativeControl } from "../laws/law.ts";

/** Structural equality of terms (same constructors, labels, constants, symbols, activations). */
export function sameTerm(a: Term, b: Term): boolean {
  if (a === b) return true;
  if (a.t !== b.t) return false;
  switch (a.t) {
    case "const":
      return a.v.eq((b as typeof a).v);
    case "sym":
      return a.s.kind === (b as typeof a).s.kind && a.s.key === (b as typeof a).s.key;
    case "add":
    case "mul": {
      const y = b as typeof a;
      return a.label === y.label && a.args.length === y.args.length && a.args.every((x, i) => sameTerm(x, y.args[i]!));
    }
    case "div":
      return sameTerm(a.a, (b as typeof a).a) && sameTerm(a.b, (b as typeof a).b);
    case "app":
      return a.act.key === (b as typeof a).act.key && a.label === (b as typeof a).label && sameTerm(a.arg, (b as typeof a).arg);
    case "ite":
      return sameFormula(a.cond, (b as typeof a).cond) && sameTerm(a.a, (b as typeof a).a) && sameTerm(a.b, (b as typeof a).b);
  }
}

function sameFormula(a: Formula, b: Formula): boolean {
  if (a.f !== b.f) return false;
  switch (a.f) {
    case "cmp":
      return a.op === (b as typeof a).op && sameTerm(a.a, (b as typeof a).a) && sameTerm(a.b, (b as typeof a).b);
    case "and":
    case "or":
      return a.args.length === (b as typeof a).args.length && a.args.every((x, i) => sameFormula(x, (b as typeof a).args[i]!));
    case "not":
      return sameFormula(a.a, (b as typeof a).a);
    case "implies":
      return sameFormula(a.a, (b as typeof a).a) && sameFormula(a.b, (b as typeof a).b);
    default:
      return true;
  }
}

const termsOf = (m: ClaimModel): UnitAlgebra<Term> => ({ ...termAlgebra, term: (t) => t, param: (n, i) => m.lhs.get(n, i), standIn: (n, idx) => freeSym(standInName(n, idx)) });

/** Every entry of every parameter agrees with params.ts (true when transformed.ts declines). */
function agrees(claim: Claim, of: (c: Claim) => Claim = (c) => c): boolean {
  const m = claimModel(claim);
  const get = transformed(of(claim), termsOf(m));
  if (!get) return true;
  for (const p of claim.lhs.params) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < n; i++) if (!sameTerm(get(p.name, i), m.rhs.get(p.name, i))) return false;
  }
  return true;
}

/**
 * The falsifier's whole-array transformed parameters (falsify.ts) equal, bit for bit, the
 * entry-by-entry ones of transformed.ts on numbers (parameters and scalars drawn at random).
 */
function arraysAgree(claim: Claim, of: (c: Claim) => Claim = (c) => c): boolean {
  const lists = paramChanges(of(claim));
  if (!lists) return true;
  const values = new Map<string, Float64Array>();
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 4 - 2;
  for (const p of claim.lhs.params) values.set(p.name, Float64Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, next));
  const scalar = new Map<string, number>();
  const value = (s: Parameters<Parameters<typeof evalTerm>[2]>[0]) => (s.kind === "scalar" ? (scalar.get(s.key) ?? scalar.set(s.key, 1 + Math.abs(next())).get(s.key)!) : 0);
  const term = (t: Term) => evalTerm(t, float64, value, () => 0);
  const numbers: UnitAlgebra<number> = {
    zero: () => 0,
    num: (v) => v.toNumber(),
    add: (xs) => xs.reduce((a, b) => a + b),
    mul: (xs) => xs.reduce((a, b) => a * b),
    neg: (a) => -a,
    div: (a, b) => a / b,
    app: () => 0,
    max: (xs) => Math.max(...xs),
    term,
    param: (n, i) => values.get(n)![i]!,
    standIn: () => 0,
  };
  const get = transformed(claim, numbers)!;
  for (const p of claim.lhs.params) {
    const list = lists.get(p.name) ?? [];
    if (list.some((c) => c.change.k === "correct")) continue;
    const whole = wholeArray(values.get(p.name)!, list, term, () => {});
    for (let i = 0; i < whole.length; i++) if (!Object.is(whole[i], get(p.name, i))) return false;
  }
  return true;
}

const claimsOf = (text: string): Claim[] => elaborate(load("t.neq", text, () => null)).claims as Claim[];
const allAgree = (text: string, of?: (c: Claim) => Claim) => claimsOf(text).every((c) => agrees(c, of));
/** The steps in reverse order: a different transformation whenever two steps do not commute. */
const reversed = (c: Claim): Claim => ({ ...c, transform: { ...c.transform, steps: [...c.transform.steps].reverse() } });

describe("transformed parameters (signatures)", () => {
  it("agree with params.ts on random MLP symmetries, valid and broken (law)", () => {
    law("transformed = params.ts (valid)", validArb, (c) => allAgree(render(c)), { numRuns: 60 });
    law("transformed = params.ts (broken)", brokenArb, (c) => allAgree(render(c, "refute")), { numRuns: 60 });
  });

  it("agree with params.ts on random tensor networks (law)", () => {
    law("transformed = params.ts (tensor)", fc.oneof(tensorValidArb, tensorBrokenArb), (c) => allAgree(renderTensor(c)), { numRuns: 60 });
  });

  it("agree with params.ts on every claim of proofs/", () => {
    const dir = path.resolve(import.meta.dirname, "../../proofs");
    let checked = 0;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".neq"))) {
      const file = path.join(dir, f);
      const claims = elaborate(load(file, fs.readFileSync(file, "utf8"), readSource)).claims;
      for (const c of claims) {
        expect(agrees(c), `${f}: ${c.name}`).toBe(true);
        if (transformed(c, termsOf(claimModel(c)))) checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("the falsifier's whole arrays equal the entries, bit for bit, on random MLPs and tensor networks (law)", () => {
    law("whole arrays = entries (MLP)", fc.oneof(validArb.map((c) => render(c)), brokenArb.map((c) => render(c, "refute"))), (t) => claimsOf(t).every((c) => arraysAgree(c)), { numRuns: 60 });
    law("whole arrays = entries (tensor)", fc.oneof(tensorValidArb, tensorBrokenArb), (c) => claimsOf(renderTensor(c)).every((x) => arraysAgree(x)), { numRuns: 40 });
  });

  it("negative control: whole arrays with the steps in the wrong order differ from the entries", () => {
    negativeControl("whole arrays (reversed steps) = entries", validArb, (c) => claimsOf(render(c)).every((x) => arraysAgree(x, reversed)), { numRuns: 60 });
  });

  it("declines steps it does not follow (multiply, assignments, maps)", () => {
    const text = "network N = mlp(2 -> 2 -> 1, relu)\nsymmetry s {\n  b0[0] := b0[0] + 1\n}\ntheorem t: N ~ N after s\n";
    const c = claimsOf(text)[0]!;
    expect(transformed(c, termsOf(claimModel(c)))).toBeNull();
  });

  it("negative control: steps applied in the wrong order disagree", () => {
    negativeControl("transformed(reversed steps) = params.ts", validArb, (c) => allAgree(render(c), reversed), { numRuns: 60 });
  });

  it("a zero is never a parameter entry (sanity of the comparison)", () => {
    expect(sameTerm(ZERO, freeSym("x"))).toBe(false);
  });
});
