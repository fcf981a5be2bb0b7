/**
 * Proof files of well-known architectures for the benchmark, each with its full set of
 * permutation symmetries in one claim (and, for attention, the continuous actions).
 */
import { seededPermutation } from "../../src/numeric/permutation.ts";

/** A random permutation of 0..n-1 in one-line notation (deterministic in the seed). */
export const permutation = seededPermutation;

/** A permutation in array notation, broken over lines (lines have a length limit; brackets continue them). */
const by = (n: number, seed: number): string => {
  const p = permutation(n, seed);
  const rows: string[] = [];
  for (let i = 0; i < p.length; i += 32) rows.push(p.slice(i, i + 32).join(", "));
  return `[${rows.join(",\n    ")}]`;
};

/** CIFAR ResNet-20: 3 stages of 3 basic blocks (widths 16, 32, 64), batch norm, 1x1 projections. */
export function resnet20(): string {
  const params: string[] = ["K0[16, 3, 3, 3]", "m0[16], v0[16], g0[16], e0[16]"];
  const lines = ["s0 = relu(batchnorm(conv2d(x, K0, padding = 1), m0, v0, g0, e0))"];
  const perms = ["permute N.s0 by " + by(16, 1)];
  let prev = "s0";
  let cin = 16;
  let k = 1;
  [16, 32, 64].forEach((w, stage) => {
    for (let b = 0; b < 3; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      params.push(`K${k}[${w}, ${cin}, 3, 3]`, `m${k}[${w}], v${k}[${w}], g${k}[${w}], e${k}[${w}]`, `K${k + 1}[${w}, ${w}, 3, 3]`, `m${k + 1}[${w}], v${k + 1}[${w}], g${k + 1}[${w}], e${k + 1}[${w}]`);
      lines.push(`h${k} = relu(batchnorm(conv2d(${prev}, K${k}, padding = 1, stride = ${stride}), m${k}, v${k}, g${k}, e${k}))`);
      perms.push(`permute N.h${k} by ${by(w, k + 10)}`);
      const branch = `batchnorm(conv2d(h${k}, K${k + 1}, padding = 1), m${k + 1}, v${k + 1}, g${k + 1}, e${k + 1})`;
      let shortcut = prev;
      if (stride === 2 || cin !== w) {
        params.push(`S${k}[${w}, ${cin}, 1, 1]`, `ms${k}[${w}], vs${k}[${w}], gs${k}[${w}], es${k}[${w}]`);
        shortcut = `batchnorm(conv2d(${prev}, S${k}, stride = ${stride}), ms${k}, vs${k}, gs${k}, es${k})`;
      }
      lines.push(`s${k + 1} = relu(${shortcut} + ${branch})`);
      // A new stream class starts where a projection shortcut cuts the old one.
      if (shortcut !== prev) perms.push(`permute N.s${k + 1} by ${by(w, k + 20)}`);
      prev = `s${k + 1}`;
      cin = w;
      k += 2;
    }
  });
  params.push("V[10, 64], d[10]");
  return `network N {\n  input x[3, 32, 32]\n  param ${params.join(",\n    ")}\n  ${lines.join("\n  ")}\n  out V gap(${prev}) + d\n}\ntheorem all: N ~ N after ${perms.join("\n  then ")}\n`;
}

/** VGG-16 for CIFAR: 13 convolutions with max pooling, then 512 -> 512 -> 10. */
export function vgg16(): string {
  const plan: (number | "M")[] = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"];
  const params: string[] = [];
  const lines: string[] = [];
  const perms: string[] = [];
  let prev = "x";
  let cin = 3;
  let k = 0;
  let pooled = false;
  for (const p of plan) {
    if (p === "M") {
      pooled = true;
      continue;
    }
    // Pooled maps are named: a convolution then reads them (one stand-in per entry) instead
    // of re-expanding every window in each of its units.
    if (pooled) lines.push(`p${k} = maxpool2d(${prev}, kernel = 2)`);
    const input = pooled ? `p${k}` : prev;
    params.push(`K${k}[${p}, ${cin}, 3, 3], b${k}[${p}]`);
    lines.push(`c${k} = relu(conv2d(${input}, K${k}, b${k}, padding = 1))`);
    perms.push(`permute N.c${k} by ${by(p, k + 1)}`);
    prev = `c${k}`;
    cin = p;
    k++;
    pooled = false;
  }
  params.push("W0[512, 512], a0[512], W1[512, 512], a1[512], W2[10, 512], a2[10]");
  lines.push(`f = flatten(maxpool2d(${prev}, kernel = 2))`, "u1 = relu(W0 f + a0)", "u2 = relu(W1 u1 + a1)");
  perms.push(`permute N.u1 by ${by(512, 100)}`, `permute N.u2 by ${by(512, 101)}`);
  return `network N {\n  input x[3, 32, 32]\n  param ${params.join(",\n    ")}\n  ${lines.join("\n  ")}\n  out W2 u2 + a2\n}\ntheorem all: N ~ N after ${perms.join("\n  then ")}\n`;
}

/** One BERT-base encoder layer (post-norm): d_model 768, 12 heads of 64, d_ff 3072, with embedding and unembedding. */
export function bertLayer(tokens = 4, d = 768, heads = 12, ff = 3072, vocab = 8): string {
  const k = d / heads;
  return `network N {
  input x[${tokens}, ${vocab}]
  param E[${d}, ${vocab}], Wq[${heads}, ${k}, ${d}], Wk[${heads}, ${k}, ${d}], Wv[${heads}, ${k}, ${d}], Wo[${d}, ${heads}, ${k}]
  param bq[${heads}, ${k}], bk[${heads}, ${k}], bv[${heads}, ${k}], bo[${d}], g1[${d}], e1[${d}]
  param W1[${ff}, ${d}], c1[${ff}], W2[${d}, ${ff}], c2[${d}], g2[${d}], e2[${d}], U[${vocab}, ${d}]
  s0 = linear(x, E)
  a = mha(s0, Wq, Wk, Wv, Wo, bq = bq, bk = bk, bv = bv, bo = bo)
  s1 = layernorm(s0 + a, g1, e1)
  u = gelu(linear(s1, W1, c1))
  s2 = layernorm(s1 + linear(u, W2, c2), g2, e2)
  out linear(s2, U)
}
theorem all: N ~ N after permute N.a.q axis heads by ${by(heads, 1)}
  then permute N.a.q axis head_dim by ${by(k, 2)}
  then permute N.a.v axis head_dim by ${by(k, 3)}
  then permute N.u axis units by ${by(ff, 4)}
  then permute N.s0 axis units by ${by(d, 5)}
`;
}

/** One attention head with the query/key and value/output actions of symbolic invertible matrices. */
export function attentionActions(tokens = 3, d = 64, k = 64): string {
  return `network N {
  input x[${tokens}, ${d}]
  param Wq[1, ${k}, ${d}], Wk[1, ${k}, ${d}], Wv[1, ${k}, ${d}], Wo[${d}, 1, ${k}]
  y = mha(x, Wq, Wk, Wv, Wo)
  out y
}
symmetry qk(A[${k}, ${k}] invertible) = multiply axis 1 of Wq by A then multiply axis 1 of Wk by transpose(inverse(A))
symmetry vo(B[${k}, ${k}] invertible) = multiply axis 1 of Wv by B then multiply axis 2 of Wo by transpose(inverse(B))
theorem query_key: N ~ N after qk
theorem value_output: N ~ N after vo
`;
}

/** A Llama-style block: RMSNorm, grouped-query attention with RoPE, SwiGLU; with embedding and unembedding. */
export function llamaBlock(tokens = 4, d = 512, groups = 4, perGroup = 2, k = 64, ff = 1376, vocab = 8): string {
  return `network N {
  input x[${tokens}, ${vocab}]
  param E[${d}, ${vocab}], g1[${d}], Wq[${groups}, ${perGroup}, ${k}, ${d}], Wk[${groups}, ${k}, ${d}], Wv[${groups}, ${k}, ${d}], Wo[${d}, ${groups}, ${perGroup}, ${k}]
  param C[${tokens}, ${k / 2}], S[${tokens}, ${k / 2}], g2[${d}], Wg[${ff}, ${d}], Wu[${ff}, ${d}], Wd[${d}, ${ff}], U[${vocab}, ${d}]
  s0 = linear(x, E)
  a = gqa(rmsnorm(s0, g1), Wq, Wk, Wv, Wo, causal = 1, cos = C, sin = S)
  s1 = s0 + a
  n = rmsnorm(s1, g2)
  m = silu(linear(n, Wg)) * linear(n, Wu)
  s2 = s1 + linear(m, Wd)
  out linear(s2, U)
}
theorem all: N ~ N after permute N.a.k axis groups by ${by(groups, 1)}
  then permute N.a.q axis queries by ${by(perGroup, 2)}
  then permute N.a.v axis head_dim by ${by(k, 3)}
  then permute N.m axis units by ${by(ff, 4)}
  then permute N.s0 axis units by ${by(d, 5)}
`;
}

/** A small CNN whose channel count grows (monolithic vs compositional). */
export function smallCnn(channels: number, size = 6): string {
  return `network N {
  input x[2, ${size}, ${size}]
  param K1[${channels}, 2, 3, 3], b1[${channels}], K2[${channels}, ${channels}, 3, 3], b2[${channels}], V[2, ${channels}], d[2]
  h1 = relu(conv2d(x, K1, b1, padding = 1))
  h2 = relu(conv2d(h1, K2, b2, padding = 1))
  out V gap(h2) + d
}
theorem all: N ~ N after permute N.h1 by ${by(channels, 1)} then permute N.h2 by ${by(channels, 2)}
`;
}

/** The small CNN with per-channel ReLU scaling of both layers (symbolic factors). */
export function smallCnnScaling(channels: number, size = 6): string {
  return smallCnn(channels, size).replace(/theorem all:[\s\S]*$/, `symmetry s(a[${channels}] > 0, b[${channels}] > 0) = scale N.h1 by a then scale N.h2 by b\ntheorem all: N ~ N after s\n`);
}

/** A small attention layer whose width grows (monolithic vs compositional). */
export function smallAttention(d: number, heads = 2, tokens = 3): string {
  const k = Math.max(1, Math.floor(d / heads));
  return `network N {
  input x[${tokens}, ${d}]
  param Wq[${heads}, ${k}, ${d}], Wk[${heads}, ${k}, ${d}], Wv[${heads}, ${k}, ${d}], Wo[${d}, ${heads}, ${k}]
  y = mha(x, Wq, Wk, Wv, Wo)
  out y
}
theorem all: N ~ N after permute N.y.q axis heads by ${by(heads, 1)} then permute N.y.q axis head_dim by ${by(k, 2)}
`;
}
