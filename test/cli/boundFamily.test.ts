/** `neteq bound` sweeping the sizes of a network family (issue 10: bounds for any architecture, swept by a named width). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

const FAMILY = `network C(c) {
  input x[2, 6]
  param K1[c, 2, 3], b1[c], K2[c, c, 3], b2[c], V[2, c], v[2]
  h1 = relu(conv1d(x, K1, b1, padding = 1))
  h2 = relu(conv1d(h1, K2, b2, padding = 1))
  out V gap(h2) + v
}
network P { input x[2, 6]; param K1[3, 2, 3], V[2, 3]; h1 = relu(conv1d(x, K1)); out V gap(h1) }
`;

const file = () => {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "neteq-bound-")), "c.neq");
  fs.writeFileSync(f, FAMILY);
  return f;
};

const log10Factorial = (n: number) => Array.from({ length: n }, (_, i) => Math.log10(i + 1)).reduce((a, b) => a + b, 0);

describe("neteq bound over a family's sizes", () => {
  it("one row per width: parameters counted at that width, the group of both channel classes", async () => {
    const r = await cli(["bound", file(), "C", "--widths", "2,3,5", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).rows as { size: number; S: number; log10_group_order: number; classes: number }[];
    expect(rows.map((x) => x.size)).toEqual([2, 3, 5]);
    for (const x of rows) {
      const c = x.size;
      expect(x.S).toBe(c * 2 * 3 + c + c * c * 3 + c + 2 * c + 2);
      expect(x.classes).toBe(2);
      expect(x.log10_group_order).toBeCloseTo(2 * log10Factorial(c), 9);
    }
  });

  it("writes the plot of the sweep", async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "neteq-plot-")), "c.svg");
    const r = await cli(["bound", file(), "C", "--widths", "1..16", "--plot", out]);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(out, "utf8")).toContain("Covering numbers of the family C(c)");
  });

  it("negative control: a network that is neither an mlp nor a family is not swept", async () => {
    const r = await cli(["bound", file(), "P", "--widths", "2,3"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("P is neither");
  });
});
