/**
 * Exact JSON weights: read(writeJsonWeights(x)) = x for any rationals (fast-check), finite
 * decimals written as JSON numbers and other values as "p/q" strings; negative control: the
 * shortest float text JSON.stringify writes is read back as another rational.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { Rational } from "../../src/numeric/rational.ts";
import { readCheckpoint } from "../../src/weights/readCheckpoint.ts";
import { decimalText, rationalJson, writeJsonWeights } from "../../src/weights/writeJson.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-writejson-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const rationalArb = fc.oneof(
  fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 20n })).map(([n, d]) => Rational.of(n, d)),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }).map((x) => Rational.fromNumber(x)),
  fc.float({ noNaN: true, noDefaultInfinity: true }).map((x) => Rational.fromNumber(x)),
);

function roundTrip(tensors: { name: string; shape: number[]; values: Rational[] }[]): Map<string, Rational[]> {
  const file = path.join(dir, "w.json");
  writeJsonWeights(file, tensors.map((t) => ({ name: t.name, shape: t.shape, at: (i: number) => t.values[i]! })));
  const r = readCheckpoint(file, dir);
  if (!r.ok) throw new Error(r.message);
  return new Map(r.checkpoint.tensors.map((t) => {
    const x = r.checkpoint.read(t.name);
    return [t.name, x.exact ? [...x.exact] : Array.from(x.values, (v) => Rational.fromNumber(v))];
  }));
}

describe("exact JSON weights", () => {
  it("read(write(x)) = x exactly, for any rationals and shapes", () => {
    fc.assert(
      fc.property(fc.array(rationalArb, { minLength: 6, maxLength: 6 }), fc.constantFrom<number[]>([6], [2, 3], [3, 1, 2]), (values, shape) => {
        const back = roundTrip([{ name: "W.0", shape, values }, { name: "b", shape: [], values: [values[0]!] }]);
        return back.get("W.0")!.every((x, i) => x.eq(values[i]!)) && back.get("b")![0]!.eq(values[0]!);
      }),
      { numRuns: 60 },
    );
    expect(fs.readdirSync(dir)).toEqual(["w.json"]);
  });
  it("finite decimals are JSON numbers, the rest fractions in strings", () => {
    expect(rationalJson(Rational.of(-3, 8))).toBe("-0.375");
    expect(rationalJson(Rational.of(7))).toBe("7");
    expect(rationalJson(Rational.of(1, 3))).toBe('"1/3"');
    expect(rationalJson(Rational.fromNumber(Math.fround(0.1)))).toBe("0.100000001490116119384765625");
    expect(decimalText(Rational.of(1, 20))).toBe("0.05");
    expect(decimalText(Rational.of(2, 3))).toBeNull();
    // A float64 of tiny size has a long expansion: written as its fraction.
    expect(rationalJson(Rational.fromNumber(2 ** -1000)).startsWith('"1/')).toBe(true);
  });
  it("negative control: the shortest float text is not the float's value", () => {
    const x = Math.fround(0.1);
    const file = path.join(dir, "short.json");
    fs.writeFileSync(file, JSON.stringify({ b: [x] }));
    const r = readCheckpoint(file, dir);
    if (!r.ok) throw new Error(r.message);
    expect(r.checkpoint.read("b").exact![0]!.eq(Rational.fromNumber(x))).toBe(false);
    fs.rmSync(file);
  });

  it("long values: 10^-k with huge k is a fraction, quickly (no k^2 digit loop); a fraction longer than the reader accepts is refused", () => {
    const tiny = Rational.of(1n, 10n ** 50_000n);
    expect(decimalText(tiny)).toBeNull();
    expect(() => rationalJson(Rational.of(1n, 10n ** 19_000n))).not.toThrow();
    expect(() => rationalJson(Rational.of(1n, 3n * 10n ** 25_000n))).toThrow(/more than neteq reads back/);
    // Control: a short decimal is still a decimal.
    expect(decimalText(Rational.of(1n, 10n ** 50n))).toBe(`0.${"0".repeat(49)}1`);
  });

  it("the reader names a string entry longer than it accepts", () => {
    const file = path.join(dir, "long.json");
    fs.writeFileSync(file, `{"w": ["1/1${"0".repeat(20_010)}"]}`);
    const r = readCheckpoint(file, dir);
    expect(r.ok ? "read" : r.message).toMatch(/long\.json:1:8: .*a string of 20013 characters: an exact number may have at most 20000/);
  });

  it("the reader bounds the work of long exact numbers in one file (a 2 MB file of 10,000-digit fractions took 82 s)", () => {
    const file = path.join(dir, "costly.json");
    const entry = `"1/${"9".repeat(14_000)}"`;
    fs.writeFileSync(file, `{"w": [${Array(30).fill(entry).join(", ")}]}`);
    const r = readCheckpoint(file, dir);
    expect(r.ok ? "read" : r.message).toMatch(/costly\.json:1:\d+: its long exact numbers together are too costly to read/);
    // Control: a few of them are read, exactly.
    fs.writeFileSync(file, `{"w": [${Array(3).fill(entry).join(", ")}]}`);
    const ok = readCheckpoint(file, dir);
    expect(ok.ok && ok.checkpoint.read("w").exact?.[2]?.eq(Rational.of(1n, BigInt("9".repeat(14_000))))).toBe(true);
  });
});
