import { describe, expect, it } from "vitest";
import { LazyList, materialise, Seq } from "../../src/syntax/lists.ts";
import { parse } from "../../src/syntax/parse.ts";
import type { Decl } from "../../src/syntax/types.ts";

describe("linear lists", () => {
  it("a Seq shares the items before it and lists them in order", () => {
    const a = new Seq([1], 2);
    const b = new Seq(a, 3);
    const c = new Seq(a, 4); // another continuation of the same prefix
    expect(b.toArray()).toEqual([1, 2, 3]);
    expect(c.toArray()).toEqual([1, 2, 4]);
    expect([b.first, b.last, b.length]).toEqual([1, 3, 3]);
  });

  it("a LazyList picks items after its head; materialise turns nested lists into arrays", () => {
    const rest = new Seq(new Seq([], [",", "b"]), [",", new LazyList(["c"], [], (x) => x)]);
    const list = new LazyList(["a"], rest, (r: [string, unknown]) => r[1]);
    expect([list.first, list.last instanceof LazyList]).toEqual(["a", true]);
    expect(materialise({ items: list })).toEqual({ items: ["a", "b", ["c"]] });
  });

  it("parsed declarations hold arrays, never lazy lists", () => {
    const decls = parse("symmetry s(c > 0, d) = permute rows of W by (0 1 2)(3 4) then permute h1 by [1, 0]\nactivation a : odd, positively_homogeneous\n", "t.neq").program.decls;
    const lazy: string[] = [];
    const walk = (x: unknown, at: string): void => {
      if (x instanceof Seq || x instanceof LazyList) lazy.push(at);
      if (typeof x === "object" && x !== null) for (const [k, v] of Object.entries(x)) walk(v, `${at}.${k}`);
    };
    walk(decls, "decls");
    expect(lazy).toEqual([]);
    const s = decls[0] as Extract<Decl, { kind: "symmetry" }>;
    expect(Array.isArray(s.scalars)).toBe(true);
    const first = s.body.kind === "then" ? s.body.first : null;
    expect(first?.kind === "permuteAxis" && first.perm.kind === "cycles" && first.perm.cycles.map((c) => c.length)).toEqual([3, 2]);
  });

  it("a list of 16,000 items parses in linear time", () => {
    const text = (n: number) => `symmetry s = permute rows of W by [${Array.from({ length: n }, (_, i) => i).join(",\n")}]\n`;
    const time = (n: number) => {
      const started = performance.now();
      const r = parse(text(n), "t.neq");
      expect(r.diagnostics).toEqual([]);
      return performance.now() - started;
    };
    time(2000); // warm up
    // The fastest of several runs: a pause for garbage collection or another process is noise.
    const best = (n: number) => Math.min(...Array.from({ length: 5 }, () => time(n)));
    const small = best(4000);
    const large = best(16_000);
    // Quadratic growth would make the large list 16 times slower; linear about 4 times.
    expect(large / Math.max(small, 1)).toBeLessThan(10);
  });
});
