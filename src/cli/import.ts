/**
 * `neteq import <model.onnx> [--network name] [-o out.neq]`: an ONNX model as a .neq network
 * (src/import/onnx.ts), on stdout or into a file. A model outside the supported subset stops
 * with `neteq: error CLI001: <file>: <problem>` (the op type and node name), exit 2.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { importOnnx, OnnxError } from "../import/onnx.ts";
import { isIdent } from "../symmetries/naming.ts";
import { readWhole } from "../weights/file.ts";
import { WeightFileError } from "../weights/types.ts";
import { argsError, type Io } from "./main.ts";

/** Largest ONNX file read (weights are inside it). */
export const ONNX_FILE_BYTES = 2_000_000_000;

const USAGE_LINE = "usage: neteq import <model.onnx> [--network name] [-o out.neq]";

const fail = (io: Io, message: string): number => {
  io.stderr(`neteq: error CLI003: ${message}\n${USAGE_LINE}\n`);
  return 2;
};

export function importCommand(args: readonly string[], io: Io): number {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { network: { type: "string" }, o: { type: "string", short: "o" } } });
  } catch (e) {
    return fail(io, argsError(e));
  }
  if (parsed.positionals.length !== 1) return fail(io, "import takes one .onnx file");
  const file = parsed.positionals[0]!;
  const network = parsed.values.network;
  if (network !== undefined && !isIdent(network)) return fail(io, `--network: ${JSON.stringify(network)} is not a name (letters, digits and _, not starting with a digit)`);
  const out = parsed.values.o === undefined ? null : path.resolve(io.cwd, parsed.values.o);
  if (out && (!fs.existsSync(path.dirname(out)) || (fs.existsSync(out) && fs.statSync(out).isDirectory()))) return fail(io, `-o: cannot write ${parsed.values.o}`);
  let text: string;
  try {
    const data = readWhole(path.resolve(io.cwd, file), ONNX_FILE_BYTES, "ONNX model", file);
    text = importOnnx(data, { file, ...(network ? { network } : {}) }).text;
  } catch (e) {
    if (e instanceof OnnxError) {
      io.stderr(`neteq: error CLI001: ${file}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof WeightFileError) {
      io.stderr(`neteq: error CLI001: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (out) fs.writeFileSync(out, text);
  else io.stdout(text);
  return 0;
}
