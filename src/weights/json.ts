/**
 * JSON weights: an object mapping each tensor name to nested arrays of numbers, row-major.
 * Parsed by hand so that each number keeps its text: "0.1" is the rational 1/10, not the
 * float64 nearest to it (JSON.parse would round it). An entry may also be a string holding an
 * exact number, a fraction "p/q" or a decimal ("1/3", "-0.25"), read exactly: how values no
 * finite decimal holds are written (writeJson.ts).
 */
import { Rational } from "../numeric/rational.ts";
import { readWhole, sha256Files } from "./file.ts";
import { ExactTextBudget, WEIGHT_LIMITS } from "./limits.ts";
import { checkShape } from "./shape.ts";
import { WeightFileError, type Checkpoint, type Tensor } from "./types.ts";

/** Parse JSON weights from `text`; `shown` names the file in messages (with line:col). */
export function parseJsonWeights(text: string, shown: string): Tensor[] {
  let p = 0;
  const fail = (what: string): never => {
    const before = text.slice(0, p);
    const line = before.split("\n").length;
    const col = p - before.lastIndexOf("\n");
    throw new WeightFileError(`${shown}:${line}:${col}`, what);
  };
  const ws = () => {
    while (p < text.length && " \t\r\n".includes(text[p]!)) p++;
  };
  const expect = (c: string) => {
    ws();
    if (text[p] !== c) fail(`expected ${JSON.stringify(c)}, found ${p < text.length ? JSON.stringify(text[p]) : "the end of the file"}`);
    p++;
  };
  const string = (): string => {
    ws();
    const m = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/.exec(text.slice(p, p + 100_000));
    if (!m) return fail("expected a tensor name (a JSON string)");
    p += m[0].length;
    return JSON.parse(m[0]) as string;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const budget = new ExactTextBudget();
  const STRING = new RegExp(`^"([^"\\\\\\u0000-\\u001f]{0,${WEIGHT_LIMITS.exactStringChars}})"`);
  // A value written as a string: a fraction "p/q" or a decimal, read exactly (writeJson.ts).
  const exactString = (): string => {
    const at = p;
    const m = STRING.exec(text.slice(p, p + WEIGHT_LIMITS.exactStringChars + 2));
    if (!m) {
      const close = text.indexOf('"', p + 1);
      if (text[p] === '"' && (close < 0 || close - p - 1 > WEIGHT_LIMITS.exactStringChars)) return fail(close < 0 ? "a string that is never closed" : `a string of ${close - p - 1} characters: an exact number may have at most ${WEIGHT_LIMITS.exactStringChars}`);
      return fail("expected a number, an exact number as a string (\"p/q\" or a decimal) or an array");
    }
    const body = m[1]!;
    const ok = /^-?(?:0|[1-9]\d*)\/[1-9]\d*$/.test(body) || /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(body);
    if (!ok) return fail(`${JSON.stringify(body.length > 40 ? body.slice(0, 40) + "..." : body)} is not an exact number (expected a fraction "p/q" with q > 0, or a decimal such as "-0.25")`);
    const exp = /[eE]([+-]?\d+)$/.exec(body);
    if (exp && Math.abs(Number(exp[1])) > 4000) {
      p = at;
      return fail(`${JSON.stringify(body.length > 40 ? body.slice(0, 40) + "..." : body)} has an exponent beyond +-4000`);
    }
    if (!budget.spend(body.length)) return fail(ExactTextBudget.refusal);
    p += m[0].length;
    return body;
  };
  // Nested arrays: returns the shape; numbers are appended to `texts`.
  const array = (texts: string[], depth: number): number[] => {
    if (depth > WEIGHT_LIMITS.rank) fail(`arrays nested more than ${WEIGHT_LIMITS.rank} deep`);
    ws();
    if (text[p] === '"') {
      texts.push(exactString());
      return [];
    }
    if (text[p] !== "[") {
      NUMBER.lastIndex = p;
      const m = NUMBER.exec(text);
      if (!m) fail("expected a number or an array of numbers");
      if (!budget.spend(m![0].length)) fail(ExactTextBudget.refusal);
      texts.push(m![0]);
      p += m![0].length;
      return [];
    }
    p++;
    ws();
    let inner: number[] | null = null;
    let n = 0;
    if (text[p] === "]") {
      p++;
      return [0];
    }
    for (;;) {
      const start = p;
      const s = array(texts, depth + 1);
      if (inner && (s.length !== inner.length || s.some((d, i) => d !== inner![i]))) {
        p = start;
        fail(`ragged array: this element has shape [${s.join(", ")}], the first one [${inner.join(", ")}]`);
      }
      inner = s;
      n++;
      ws();
      if (text[p] === ",") {
        p++;
        continue;
      }
      expect("]");
      return [n, ...inner];
    }
  };
  const out: Tensor[] = [];
  const names = new Set<string>();
  expect("{");
  ws();
  if (text[p] === "}") p++;
  else
    for (;;) {
      const at = p;
      const name = string();
      if (names.has(name)) {
        p = at;
        fail(`tensor ${name} appears twice`);
      }
      names.add(name);
      expect(":");
      const texts: string[] = [];
      const shape = checkShape(array(texts, 0), shown, name);
      out.push(tensorOf(name, shape, texts, shown));
      ws();
      if (text[p] === ",") {
        p++;
        continue;
      }
      expect("}");
      break;
    }
  ws();
  if (p < text.length) fail("text after the closing }");
  return out;
}

function tensorOf(name: string, shape: number[], texts: readonly string[], shown: string): Tensor {
  const values = new Float64Array(texts.length);
  let exact: Rational[] | null = null;
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!;
    // Integers of up to 15 digits are floats; anything else is compared as a rational.
    if (/^-?\d{1,15}$/.test(t)) {
      values[i] = Number(t);
      exact?.push(Rational.of(BigInt(t)));
      continue;
    }
    // Parsed once: a long fraction costs a quadratic gcd.
    const r = Rational.parse(t);
    if (!r) throw new WeightFileError(shown, `tensor ${name}: entry ${i} (${t.length > 40 ? t.slice(0, 40) + "..." : t}) has an exponent beyond +-4000`);
    // A fraction string ("p/q"): Number() cannot read it; its nearest float comes from the rational.
    const x = t.includes("/") ? r.toNumber() : Number(t);
    values[i] = x;
    const isFloat = Number.isFinite(x) && (r.den & (r.den - 1n)) === 0n && Rational.fromNumber(x).eq(r);
    if (!isFloat) exact ??= Array.from(values.subarray(0, i), (v) => Rational.fromNumber(v));
    exact?.push(r);
    if (!Number.isFinite(x)) values[i] = r.toNumber();
  }
  return { name, shape, dtype: "decimal", values, ...(exact ? { exact } : {}) };
}

/** Open a JSON weight file (read and checked whole). */
export function readJsonWeights(file: string, shown = file): Checkpoint {
  const bytes = readWhole(file, WEIGHT_LIMITS.jsonBytes, "JSON weight file", shown);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new WeightFileError(shown, "not valid UTF-8");
  }
  const tensors = parseJsonWeights(text, shown);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  return {
    file: shown,
    format: "json",
    sha256: sha256Files([file]),
    tensors: tensors.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
    read: (name) => {
      const t = byName.get(name);
      if (!t) throw new WeightFileError(shown, `no tensor ${name}`);
      return t;
    },
  };
}
