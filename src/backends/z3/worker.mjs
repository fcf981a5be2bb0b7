// A solver worker: one z3-solver instance and one long-lived context, answering SMT-LIB
// scripts posted by pool.ts. Plain JavaScript on purpose: it needs no TypeScript, and
// starting it without tsx keeps a worker's start-up at about 0.3 s.
//
// Only the low-level API is used (mk_context, eval_smtlib2_string): no high-level objects
// exist, so the high-level API's garbage-collector frees (which crash Z3 when they race a
// running check) never happen here.
import { parentPort } from "node:worker_threads";
import z3 from "z3-solver";

// Route everything the WASM module prints (including its pthreads' abort messages) to the
// pool instead of the terminal; the pool keeps the tail to explain a crash.
const log = (...args) => parentPort.postMessage({ kind: "log", text: args.join(" ") });
const api = await z3.init({ print: log, printErr: log });
const Z3 = api.Z3;
const cfg = Z3.mk_config();
Z3.set_param_value(cfg, "model", "true");
let ctx = Z3.mk_context(cfg);


// Z3.eval_smtlib2_string passes the script through ccall, which copies it onto the WASM
// stack and releases it as soon as the call returns -- but the solver keeps reading it on
// its own thread while the check runs, so later commands could be overwritten by other
// stack use. Copy the script to the heap instead, and free it only when the answer is in.
const em = api.em;
const encoder = new TextEncoder();
async function evalScript(text) {
  const bytes = encoder.encode(text);
  const ptr = em._malloc(bytes.length + 1);
  if (!ptr) throw new Error("out of memory copying the script");
  em.HEAPU8.set(bytes, ptr);
  em.HEAPU8[ptr + bytes.length] = 0;
  try {
    return await em.async_call(() => em.ccall("async_Z3_eval_smtlib2_string", "void", ["number", "number"], [ctx, ptr]));
  } finally {
    em._free(ptr);
  }
}

// Z3's first check-sat in a fresh WebAssembly instance is slow (its arithmetic solvers are
// set up on first use: about 0.5 s here). Pay it once while the worker starts, so that it
// is not charged to the first claim's own time: a tiny query (the next script starts with a reset).
await evalScript("(declare-fun x () Real)(assert (> x 1.0))(assert (< x 0.0))(check-sat)");
parentPort.postMessage({ kind: "ready", version: Z3.get_full_version() });

parentPort.on("message", async (msg) => {
  const started = Date.now();
  try {
    // A fresh context per job: `(reset)` leaves some of a context's state behind, and a
    // nonlinear identity that takes a second on a fresh context once took minutes after a
    // hundred other jobs, which made a verdict near the time limit depend on the other
    // claims of the run. A context costs a few milliseconds.
    Z3.del_context(ctx);
    ctx = Z3.mk_context(cfg);
    const text = await evalScript(`(reset)\n${msg.script}`);
    parentPort.postMessage({ kind: "done", id: msg.id, text, ms: Date.now() - started });
  } catch (e) {
    parentPort.postMessage({ kind: "failed", id: msg.id, message: String(e && e.message ? e.message : e), ms: Date.now() - started });
  }
});
