/**
 * A restricted unpickler, written by hand, for PyTorch state dicts (like torch.load with
 * weights_only=True): it knows only the opcodes a state dict uses and only the globals of
 * ALLOWED_GLOBALS. Any other global (os.system, builtins.eval, ...) is refused by name,
 * before anything could be called: nothing here ever calls code named by the file.
 */
import { WeightFileError } from "./types.ts";

/** The value of a pickle, as plain data. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | { readonly k: "bytes"; readonly bytes: Uint8Array }
  | { readonly k: "list"; readonly items: PyValue[] }
  | { readonly k: "tuple"; readonly items: readonly PyValue[] }
  | { readonly k: "dict"; readonly entries: [PyValue, PyValue][] }
  | { readonly k: "global"; readonly name: string }
  | { readonly k: "storage"; readonly type: string; readonly key: string; readonly numel: number }
  | { readonly k: "tensor"; readonly storage: PyValue; readonly offset: number; readonly size: readonly number[]; readonly stride: readonly number[] };

/** Storage classes and their dtype. */
export const STORAGE_DTYPES: Readonly<Record<string, "F64" | "F32" | "F16" | "BF16">> = {
  "torch.DoubleStorage": "F64",
  "torch.FloatStorage": "F32",
  "torch.HalfStorage": "F16",
  "torch.BFloat16Storage": "BF16",
};

/** Every global a float tensor state dict needs; nothing else is accepted. */
export const ALLOWED_GLOBALS: readonly string[] = ["collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter", ...Object.keys(STORAGE_DTYPES)];

const MARK = Symbol("mark");
type Slot = PyValue | typeof MARK;

/** Unpickle `bytes` (protocols 2-5), refusing anything but a tensor state dict's vocabulary. */
export function unpickle(bytes: Uint8Array, shown: string): PyValue {
  const fail = (what: string): never => {
    throw new WeightFileError(shown, `data.pkl: ${what}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  const need = (n: number) => {
    if (p + n > bytes.length) fail(`truncated at byte ${p} (needs ${n} more bytes)`);
  };
  const u8 = () => (need(1), bytes[p++]!);
  const u16 = () => (need(2), (p += 2), view.getUint16(p - 2, true));
  const u32 = () => (need(4), (p += 4), view.getUint32(p - 4, true));
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(p, true);
    p += 8;
    if (v > BigInt(bytes.length)) fail(`a length of ${v} bytes at byte ${p - 8} is longer than the pickle`);
    return Number(v);
  };
  const take = (n: number) => (need(n), (p += n), bytes.subarray(p - n, p));
  const utf8 = (n: number) => new TextDecoder("utf-8", { fatal: false }).decode(take(n));
  const line = () => {
    const end = bytes.indexOf(0x0a, p);
    if (end < 0) fail("truncated in a GLOBAL opcode");
    const s = new TextDecoder("latin1").decode(bytes.subarray(p, end));
    p = end + 1;
    return s;
  };
  const stack: Slot[] = [];
  const memo = new Map<number, PyValue>();
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) return fail(`stack underflow at byte ${p}`);
    return v;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) return fail(`stack underflow at byte ${p}`);
    return v;
  };
  const popMark = (): PyValue[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) fail(`no MARK at byte ${p}`);
    const items = stack.splice(i) as PyValue[];
    items.shift();
    return items;
  };
  const global = (module: string, name: string): PyValue => {
    const full = `${module}.${name}`;
    if (!ALLOWED_GLOBALS.includes(full)) fail(`refuses the global ${full}: a weights-only checkpoint may use only ${ALLOWED_GLOBALS.join(", ")}`);
    return { k: "global", name: full };
  };
  const setItems = (target: PyValue, items: PyValue[]) => {
    if (typeof target !== "object" || target === null || !("k" in target) || target.k !== "dict") return fail(`SETITEM on a non-dict at byte ${p}`);
    if (items.length % 2) fail(`odd number of items for SETITEMS at byte ${p}`);
    for (let i = 0; i < items.length; i += 2) target.entries.push([items[i]!, items[i + 1]!]);
  };
  for (;;) {
    const at = p;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail("pickle protocol above 5");
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) fail(`STOP with ${stack.length} values on the stack`);
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push({ k: "dict", entries: [] });
        break;
      case 0x5d: // EMPTY_LIST
        stack.push({ k: "list", items: [] });
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push({ k: "tuple", items: [] });
        break;
      case 0x74: // TUPLE
        stack.push({ k: "tuple", items: popMark() });
        break;
      case 0x85:
      case 0x86:
      case 0x87: {
        const n = op - 0x84;
        const items: PyValue[] = [];
        for (let i = 0; i < n; i++) items.unshift(pop());
        stack.push({ k: "tuple", items });
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(utf8(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8(u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8(u64()));
        break;
      case 0x54: // BINSTRING
        stack.push(new TextDecoder("latin1").decode(take(u32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(new TextDecoder("latin1").decode(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push({ k: "bytes", bytes: take(u32()) });
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push({ k: "bytes", bytes: take(u8()) });
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof name !== "string" || typeof module !== "string") fail(`STACK_GLOBAL without two strings at byte ${at}`);
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const i = op === 0x68 ? u8() : u32();
        if (!memo.has(i)) fail(`memo entry ${i} is not defined (byte ${at})`);
        stack.push(memo.get(i)!);
        break;
      }
      case 0x4a: // BININT
        stack.push(view.getInt32((need(4), (p += 4), p - 4), true));
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement of n bytes
        const n = u8();
        const b = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
        if (n > 0 && b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        stack.push(view.getFloat64(p, false));
        p += 8;
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x4e:
        stack.push(null);
        break;
      case 0x30: // POP
        stack.pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = pop();
        stack.push(reduce(fn, args, fail, at));
        break;
      }
      case 0x62: {
        // BUILD: state of an OrderedDict (its _metadata) or of a tensor; ignored, as torch does for weights.
        pop();
        top();
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        const l = top();
        if (typeof l !== "object" || l === null || !("k" in l) || l.k !== "list") return fail(`APPEND to a non-list at byte ${at}`);
        l.items.push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const l = top();
        if (typeof l !== "object" || l === null || !("k" in l) || l.k !== "list") return fail(`APPENDS to a non-list at byte ${at}`);
        l.items.push(...items);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(persistent(pop(), fail, at));
        break;
      default:
        fail(`opcode 0x${op.toString(16).padStart(2, "0")} at byte ${at} is not allowed in a weights-only checkpoint`);
    }
  }
}

const isInt = (v: PyValue): v is number => typeof v === "number" && Number.isSafeInteger(v);
const tupleItems = (v: PyValue): readonly PyValue[] | null => (typeof v === "object" && v !== null && "k" in v && v.k === "tuple" ? v.items : null);

/** ('storage', torch.XStorage, key, location, numel) */
function persistent(pid: PyValue, fail: (s: string) => never, at: number): PyValue {
  const t = tupleItems(pid);
  const type = t?.[1];
  if (!t || t.length !== 5 || t[0] !== "storage" || typeof type !== "object" || type === null || !("k" in type) || type.k !== "global" || !(type.name in STORAGE_DTYPES) || typeof t[2] !== "string" || !isInt(t[4]!) || (t[4] as number) < 0)
    return fail(`persistent id at byte ${at} is not ('storage', torch.<Float|Double|Half|BFloat16>Storage, key, location, numel)`);
  return { k: "storage", type: type.name, key: t[2] as string, numel: t[4] as number };
}

function reduce(fn: PyValue, args: PyValue, fail: (s: string) => never, at: number): PyValue {
  const name = typeof fn === "object" && fn !== null && "k" in fn && fn.k === "global" ? fn.name : null;
  const a = tupleItems(args);
  if (!name || !a) return fail(`REDUCE at byte ${at} calls something that is not an allowed global`);
  if (name === "collections.OrderedDict") {
    if (a.length !== 0) fail(`OrderedDict called with arguments at byte ${at}`);
    return { k: "dict", entries: [] };
  }
  if (name === "torch._utils._rebuild_tensor_v2") {
    const [storage, offset, size, stride] = a;
    const sz = tupleItems(size ?? null);
    const st = tupleItems(stride ?? null);
    if (a.length < 6 || typeof storage !== "object" || storage === null || !("k" in storage) || storage.k !== "storage" || !isInt(offset!) || !sz || !st || !sz.every(isInt) || !st.every(isInt) || sz.length !== st.length)
      return fail(`_rebuild_tensor_v2 at byte ${at} has unexpected arguments`);
    return { k: "tensor", storage, offset: offset as number, size: sz as number[], stride: st as number[] };
  }
  if (name === "torch._utils._rebuild_parameter") {
    const t = a[0];
    if (typeof t !== "object" || t === null || !("k" in t) || t.k !== "tensor") return fail(`_rebuild_parameter at byte ${at} is not given a tensor`);
    return t;
  }
  return fail(`${name} cannot be called (byte ${at})`);
}
