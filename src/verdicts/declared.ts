/**
 * Does a concrete function realise an activation's declaration? A witness may be reported
 * only if the function it uses for every uninterpreted activation has every declared
 * property and axiom; otherwise the "difference" could come from a function the claim is
 * not about.
 *
 * Two checks, both required:
 * - provenance: for an activation with user axioms, the realisation must be a pool function
 *   the solver proved to satisfy axioms with exactly this declaration's meaning
 *   (elaborate/meaning.ts), never one admitted for another declaration;
 * - values: the properties and axioms hold exactly at every argument the replay applied the
 *   function to, and on a fixed grid (a necessary condition, which catches a wrong pool
 *   flag or a wrong table extension even where provenance is right).
 */
import { meaningOf } from "../elaborate/meaning.ts";
import type { Activation } from "../elaborate/types.ts";
import { evalSFormula, type ActFn } from "../numeric/evaluate.ts";
import { exact } from "../numeric/field.ts";
import { Rational } from "../numeric/rational.ts";
import type { Realisation } from "../numeric/realise.ts";

const GRID = [-3, -2, -7 / 4, -1, -1 / 2, -1 / 3, 0, 1 / 3, 1 / 2, 1, 7 / 4, 2, 3].map((x) => Rational.fromNumber(x));
const FACTORS = [Rational.of(2), Rational.of(1, 3), Rational.of(5, 2)];
/** Tuples tried per axiom with several variables. */
const MAX_TUPLES = 400;
/** Points tried per activation (arguments of the replay first). */
const MAX_POINTS = 2000;

/**
 * Why `r` does not realise `act`, or null if every check passed. `others` realises the
 * activations that `act`'s axioms mention; `args` are the arguments the replay used.
 */
export function violation(act: Activation, r: Realisation, args: readonly Rational[], others: ReadonlyMap<string, Realisation>): string | null {
  if (act.kind !== "uninterpreted" || act.builtin) return null;
  if (act.axioms.length > 0 && r.admittedFor !== meaningOf(act)) return `${r.description} was not shown to satisfy the axioms of ${act.name}`;
  const f = r.exact;
  // Realisations without exact values are the real tanh and sigmoid, which are built-ins.
  if (!f) return `${r.description} cannot be checked exactly against the declaration of ${act.name}`;
  const seen = new Set<string>();
  const points: Rational[] = [];
  for (const x of [...args, ...GRID]) {
    const k = x.toString();
    if (seen.has(k) || points.length >= MAX_POINTS) continue;
    seen.add(k);
    points.push(x);
  }
  const at = (x: Rational) => `${act.name}(${x})`;
  if (act.properties.includes("odd")) {
    for (const x of points) if (!f(x.neg()).eq(f(x).neg())) return `${r.description} is not odd: ${at(x.neg())} != -${at(x)}`;
  }
  if (act.properties.includes("positively_homogeneous")) {
    for (const x of points) for (const c of FACTORS) if (!f(c.mul(x)).eq(c.mul(f(x)))) return `${r.description} is not positively homogeneous: ${at(c.mul(x))} != ${c} ${at(x)}`;
  }
  const apply: ActFn<Rational> = (b, x) => {
    const g = b === act ? f : (others.get(b.key)?.exact ?? null);
    if (!g) throw new Unchecked();
    return g(x);
  };
  for (const ax of act.axioms) {
    const per = Math.max(1, Math.floor(Math.pow(MAX_TUPLES, 1 / Math.max(1, ax.vars.length))));
    const pool = ax.vars.length <= 1 ? points : points.slice(0, per);
    for (const tuple of tuples(pool, ax.vars.length)) {
      try {
        if (!evalSFormula(ax.body, exact, new Map(ax.vars.map((v, i) => [v, tuple[i]!])), apply)) {
          return `${r.description} violates the axiom ${ax.label} of ${act.name} at ${ax.vars.map((v, i) => `${v} = ${tuple[i]}`).join(", ")}`;
        }
      } catch (e) {
        // An axiom that mentions an activation without an exact realisation here, or that
        // divides by zero at this point, is left to the admission proof.
        if (e instanceof Unchecked || e instanceof RangeError) continue;
        throw e;
      }
    }
  }
  return null;
}

class Unchecked extends Error {}

function* tuples(points: readonly Rational[], k: number, prefix: Rational[] = []): Generator<Rational[]> {
  if (prefix.length === k) {
    yield prefix;
    return;
  }
  for (const p of points) yield* tuples(points, k, [...prefix, p]);
}
