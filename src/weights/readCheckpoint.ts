/**
 * The entry of the weight readers: a file in, a Checkpoint or a message out, chosen by the
 * file name: `.safetensors`, `*.safetensors.index.json` (sharded), `.json`, `.npy`, `.npz`,
 * `.pt` / `.pth` / `.bin` (torch.save zip checkpoints), `.onnx` (the model's initializers).
 *
 * @example
 *   const r = readCheckpoint("model.safetensors");
 *   if (r.ok) r.checkpoint.read("W0").values
 */
import * as path from "node:path";
import { readJsonWeights } from "./json.ts";
import { readNpy } from "./npy.ts";
import { readNpz } from "./npz.ts";
import { readOnnxWeights } from "./onnx.ts";
import { readPt } from "./pt.ts";
import { readSafetensors, readSafetensorsIndex } from "./safetensors.ts";
import { WeightFileError, type Checkpoint } from "./types.ts";

/** A checkpoint, or why it cannot be read ("file: problem"). */
export type CheckpointResult = { readonly ok: true; readonly checkpoint: Checkpoint } | { readonly ok: false; readonly message: string };

/** The formats by file name, for messages. */
export const FORMATS = ".safetensors, .safetensors.index.json, .json, .npy, .npz, .pt/.pth/.bin, .onnx";

/** Open `file` (resolved against `cwd`; messages show it as given). */
export function readCheckpoint(file: string, cwd = process.cwd()): CheckpointResult {
  const abs = path.resolve(cwd, file);
  const lower = file.toLowerCase();
  try {
    const checkpoint = lower.endsWith(".index.json")
      ? readSafetensorsIndex(abs, file)
      : lower.endsWith(".safetensors")
        ? readSafetensors(abs, file)
        : lower.endsWith(".json")
          ? readJsonWeights(abs, file)
          : lower.endsWith(".npy")
            ? readNpy(abs, path.basename(file).slice(0, -4), file)
            : lower.endsWith(".npz")
              ? readNpz(abs, file)
              : /\.(pt|pth|bin)$/.test(lower)
                ? readPt(abs, file)
                : lower.endsWith(".onnx")
                  ? readOnnxWeights(abs, file)
                  : null;
    if (!checkpoint) return { ok: false, message: `${file}: unknown weight format (by file name: ${FORMATS})` };
    return { ok: true, checkpoint };
  } catch (e) {
    return { ok: false, message: failure(e, file) };
  }
}

/** A reader's exception as a message naming the file. */
export function failure(e: unknown, file: string): string {
  if (e instanceof WeightFileError) return e.message;
  // Not a problem the readers anticipated: still a message, never a crash on a hostile file.
  return `${file}: cannot be read (${e instanceof Error ? e.message : String(e)})`;
}
