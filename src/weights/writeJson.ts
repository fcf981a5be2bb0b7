/**
 * Writing JSON weights exactly: every entry is the rational it is, never a rounded float.
 * A value with a finite decimal expansion (denominator 2^a 5^b, so every float) of at most
 * DECIMAL_CHARS characters is written as a JSON number ("0.0625", "-3"), which `json.ts`
 * reads back as that decimal, exactly; any other value as a string holding its fraction
 * ("1/3", "-7/10"), which `json.ts` reads back exactly too (other JSON tools see a string).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Rational } from "../numeric/rational.ts";
import { WEIGHT_LIMITS } from "./limits.ts";

/** Longest decimal text written as a JSON number; longer ones are written as "p/q". */
export const DECIMAL_CHARS = 100;

/** One tensor to write: entry `at(i)`, row-major. */
export interface ExactTensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  at(i: number): Rational;
}

/** The JSON text of one value: a number when its decimal expansion is finite and short, else the string "p/q". */
export function rationalJson(x: Rational): string {
  const decimal = decimalText(x);
  if (decimal !== null && decimal.length <= DECIMAL_CHARS) return decimal;
  const fraction = x.toString();
  if (fraction.length > WEIGHT_LIMITS.exactStringChars) throw new Error(`an entry is ${fraction.length} characters long as a fraction, more than neteq reads back (${WEIGHT_LIMITS.exactStringChars})`);
  return `"${fraction}"`;
}

/** x's finite decimal expansion ("-0.375"), or null when its denominator has a prime factor other than 2 and 5 or it would have more than 4 DECIMAL_CHARS decimals. */
export function decimalText(x: Rational): string | null {
  // The power of two in the denominator at once (its lowest set bit), then the fives, at
  // most as many as a written decimal may have (a denominator 10^k would otherwise cost k^2).
  const low = x.den & -x.den;
  const twos = low.toString(2).length - 1;
  if (twos > 4 * DECIMAL_CHARS) return null;
  let d = x.den >> BigInt(twos);
  let fives = 0;
  while (d % 5n === 0n) {
    if (++fives > 4 * DECIMAL_CHARS) return null;
    d /= 5n;
  }
  if (d !== 1n) return null;
  // x = num 2^(s - twos) 5^(s - fives) / 10^s with s the larger exponent.
  const s = Math.max(twos, fives);
  if (s > 4 * DECIMAL_CHARS) return null;
  const n = x.num < 0n ? -x.num : x.num;
  const digits = (n * 2n ** BigInt(s - twos) * 5n ** BigInt(s - fives)).toString().padStart(s + 1, "0");
  const text = s === 0 ? digits : `${digits.slice(0, digits.length - s)}.${digits.slice(digits.length - s)}`;
  return x.num < 0n ? `-${text}` : text;
}

/** Why the tensors cannot be written as JSON that neteq reads back (checked before any work), or null. */
export function jsonTooLarge(tensors: readonly { readonly shape: readonly number[] }[]): string | null {
  const entries = tensors.reduce((t, x) => t + x.shape.reduce((a, b) => a * b, 1), 0);
  // Every entry takes at least two bytes ("0,"): above this, the file would exceed what the reader accepts.
  return 2 * entries > WEIGHT_LIMITS.jsonBytes ? `${entries} entries do not fit in a JSON weight file (neteq reads at most ${WEIGHT_LIMITS.jsonBytes} bytes); write safetensors instead` : null;
}

/**
 * Write `tensors` as a JSON weight file (`{ "name": [[...], ...], ... }`, nested as the
 * shape), streamed: into a temporary file beside `file`, renamed when complete, so a failure
 * never leaves a partial file. Throws the fs error, or an Error when the text would exceed
 * the bytes the reader accepts (the partial file removed).
 */
export function writeJsonWeights(file: string, tensors: readonly ExactTensorToWrite[]): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, "w");
  let ok = false;
  try {
    let buffer = "";
    let written = 0;
    const put = (s: string) => {
      buffer += s;
      if (buffer.length >= 1 << 20) flush();
    };
    const flush = () => {
      const b = Buffer.from(buffer, "utf8");
      written += b.length;
      if (written > WEIGHT_LIMITS.jsonBytes) throw new Error(`the JSON text exceeds ${WEIGHT_LIMITS.jsonBytes} bytes, more than neteq reads back; write safetensors instead`);
      for (let done = 0; done < b.length; ) done += fs.writeSync(fd, b, done, b.length - done);
      buffer = "";
    };
    put("{");
    tensors.forEach((t, k) => {
      put(`${k ? "," : ""}\n  ${JSON.stringify(t.name)}: `);
      let at = 0;
      const nest = (axis: number) => {
        if (axis === t.shape.length) return put(rationalJson(t.at(at++)));
        put("[");
        for (let i = 0; i < t.shape[axis]!; i++) {
          if (i) put(", ");
          nest(axis + 1);
        }
        put("]");
      };
      nest(0);
    });
    put("\n}\n");
    flush();
    ok = true;
  } finally {
    fs.closeSync(fd);
    if (ok) fs.renameSync(tmp, file);
    else fs.rmSync(tmp, { force: true });
  }
}
