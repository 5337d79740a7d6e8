// Causal attention for one work item (sequence b, key-head group g, query tile t), described by a block of i32
// words written by JS (layout mirrored in src/kernel/fast/layout.ts). All maps that share the group's key head are
// processed together so every K/V row is loaded once per tile. Prefill: 64-row query tiles, 64-key blocks, online
// softmax, both products on the 4×8 micro-kernel. Decode (one query): stream K once, softmax, stream V once; when
// there are too few (sequence, group) items to keep every thread busy, the keys are split into chunks whose partial
// results attendMerge combines.
import { CNT_EXP, CNT_KELEMS, CNT_MADD, CNT_VELEMS, count, exp4, hsum, madd, micro4x8, MK_SCALE, MK_STORE } from './common';

const BC: i32 = 64;
const GROUPS: i32 = 32;

// @ts-ignore: decorator
@inline function di(desc: usize, i: i32): i32 { return load<i32>(desc + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function up(x: i32, m: i32): i32 { return (x + m - 1) & ~(m - 1); }
// @ts-ignore: decorator
@inline function fl(n: i32): usize { return <usize>n << 2; }

/** Byte address of element 0 of [b][t][h] in the view whose pointer and strides start at word `w`. */
// @ts-ignore: decorator
@inline function at(desc: usize, w: i32, b: i32, t: i32, h: i32): usize {
  return <usize>di(desc, w) + (<usize>b * <usize>di(desc, w + 1) + <usize>t * <usize>di(desc, w + 2)
    + <usize>h * <usize>di(desc, w + 3)) * 4;
}

/** Scratch bytes one thread needs for the attention described at desc. */
export function attendScratchBytes(desc: usize): i32 {
  const dq = di(desc, 4), dv = di(desc, 5), br = di(desc, 6), gMax = di(desc, 10), nVMax = di(desc, 11);
  const dvPad = up(dv, 8);
  const pre = gMax * br * dq + BC * dq + nVMax * BC * dvPad + BC * br + gMax * br * dvPad + 2 * gMax * br + br;
  const dec = gMax * up(dq, 4) + gMax * up(di(desc, 29), 4) + gMax * up(dv, 4) + 2 * gMax;
  return (max(pre, dec) + 16 * 8) * 4;
}

/**
 * Runs work item `item` with this thread's scratch and counters. Items are (tile or key chunk, sequence, group);
 * prefill tiles run in descending cost order.
 */
export function attendItem(desc: usize, item: i32, scratch: usize, counters: usize): void {
  const batch = di(desc, 0), nGroups = di(desc, 7), nTiles = di(desc, 8);
  const bg = batch * nGroups;
  const tIdx = item / bg, rem = item - tIdx * bg;
  const b = rem / nGroups, g = rem - (rem / nGroups) * nGroups;
  const ge = desc + fl(di(desc, GROUPS + g));
  if (di(desc, 1) == 1) decode(desc, b, ge, tIdx, scratch, counters);
  else prefill(desc, b, ge, nTiles - 1 - tIdx, scratch, counters);
}

/** Online-softmax update for 4 query lanes over jPad keys of S (rows ldS bytes apart); S is replaced by P. */
function softmaxStrip(s: usize, ldS: usize, jPad: i32, j0: i32, pos0: i32, mp: usize, lp: usize, ap: usize): void {
  const pos = i32x4.add(i32x4.splat(pos0), i32x4(0, 1, 2, 3));
  const mOld = v128.load(mp);
  let mx = mOld;
  if (j0 + jPad - 1 > pos0) {
    const ninf = f32x4.splat(-Infinity);
    for (let j = 0; j < jPad; j++) {
      const p = s + <usize>j * ldS;
      const v = v128.bitselect(ninf, v128.load(p), i32x4.gt_s(i32x4.splat(j0 + j), pos));
      v128.store(p, v);
      mx = f32x4.pmax(mx, v);
    }
  } else {
    for (let j = 0; j < jPad; j++) mx = f32x4.pmax(mx, v128.load(s + <usize>j * ldS));
  }
  const alpha = exp4(f32x4.sub(mOld, mx));
  let sum = f32x4.splat(0);
  for (let j = 0; j < jPad; j++) {
    const p = s + <usize>j * ldS;
    const e = exp4(f32x4.sub(v128.load(p), mx));
    v128.store(p, e);
    sum = f32x4.add(sum, e);
  }
  v128.store(lp, madd(v128.load(lp), alpha, sum));
  v128.store(mp, mx);
  v128.store(ap, alpha);
}

function prefill(desc: usize, b: i32, ge: usize, tile: i32, scratch: usize, counters: usize): void {
  const queries = di(desc, 1), keys = di(desc, 2), dq = di(desc, 4), dv = di(desc, 5), br = di(desc, 6);
  const scale = reinterpret<f32>(di(desc, 9)), gMax = di(desc, 10), nVMax = di(desc, 11);
  const kHead = load<i32>(ge), G = load<i32>(ge, 4), nV = load<i32>(ge, 8);
  const vHeads = ge + 12, maps = vHeads + fl(nV), vIdx = maps + fl(G);
  const dvPad = up(dv, 8), i0 = tile * br, rows = min(br, queries - i0), qPad = up(rows, 8);
  const posBase = keys - queries + i0, end = posBase + rows;
  const QT = scratch, Kb = QT + fl(gMax * br * dq), Vb = Kb + fl(BC * dq), S = Vb + fl(nVMax * BC * dvPad);
  const O = S + fl(BC * br), M = O + fl(gMax * br * dvPad), L = M + fl(gMax * br), A = L + fl(gMax * br);
  const ldS = fl(br), ldO = fl(dvPad), dqB = fl(dq);
  for (let mi = 0; mi < G; mi++) {
    const m = load<i32>(maps + fl(mi)), qt = QT + fl(mi * br * dq);
    for (let i = 0; i < qPad; i++) {
      const src = at(desc, 12, b, i0 + i, m), d = qt + fl(((i >> 3) * dq) * 8 + (i & 7));
      for (let p = 0; p < dq; p++) store<f32>(d + fl(p * 8), i < rows ? load<f32>(src + fl(p)) * scale : 0);
    }
    for (let i = 0; i < qPad; i++) {
      store<f32>(M + fl(mi * br + i), -Infinity);
      store<f32>(L + fl(mi * br + i), 0);
    }
    memory.fill(O + fl(mi * br * dvPad), 0, fl(qPad * dvPad));
  }
  let kEl: f64 = 0, vEl: f64 = 0, pairs: f64 = 0;
  for (let j0 = 0; j0 < end; j0 += BC) {
    const jn = min(BC, end - j0), jPad = up(jn, 4);
    packK(Kb, desc, b, j0, jn, jPad, kHead, dq);
    kEl += <f64>jn * <f64>dq;
    for (let vi = 0; vi < nV; vi++) {
      const vh = load<i32>(vHeads + fl(vi)), vb = Vb + fl(vi * BC * dvPad);
      for (let j = 0; j < jn; j++) memory.copy(vb + <usize>j * ldO, at(desc, 20, b, j0 + j, vh), fl(dv));
      vEl += <f64>jn * <f64>dv;
    }
    for (let mi = 0; mi < G; mi++) {
      const qt = QT + fl(mi * br * dq);
      for (let js = 0; js < jPad; js += 4) {
        for (let is = 0; is < qPad; is += 8) {
          micro4x8(Kb + <usize>js * dqB, 16, qt + <usize>is * dqB, 32, dq, S + fl(js * br + is), ldS, MK_STORE, 0);
        }
      }
      for (let iq = 0; iq < qPad; iq += 4) {
        const o = fl(mi * br + iq);
        softmaxStrip(S + fl(iq), ldS, jPad, j0, posBase + iq, M + o, L + o, A + fl(iq));
      }
      for (let i = 0; i < rows; i++) {
        const vis = min(jn, posBase + i - j0 + 1);
        if (vis > 0) pairs += <f64>vis;
      }
      const vb = Vb + fl(load<i32>(vIdx + fl(mi)) * BC * dvPad), om = O + fl(mi * br * dvPad);
      for (let iq = 0; iq < qPad; iq += 4) {
        for (let c = 0; c < dvPad; c += 8) {
          micro4x8(S + fl(iq), ldS, vb + fl(c), ldO, jPad, om + fl(iq * dvPad + c), ldO, MK_SCALE, A + fl(iq));
        }
      }
    }
  }
  for (let mi = 0; mi < G; mi++) {
    const m = load<i32>(maps + fl(mi));
    for (let i = 0; i < rows; i++) {
      const inv: f32 = 1 / load<f32>(L + fl(mi * br + i));
      scaleOut(at(desc, 24, b, i0 + i, m), O + fl((mi * br + i) * dvPad), inv, dv);
    }
  }
  count(counters, CNT_MADD, pairs * <f64>(dq + dv));
  count(counters, CNT_EXP, pairs);
  count(counters, CNT_KELEMS, kEl);
  count(counters, CNT_VELEMS, vEl);
}

/**
 * Copies keys j0 … j0+jn of K head kHead (sequence b) into 4-key strips for the micro-kernel: key j's element p at
 * dst + 4·(⌊j/4⌋·4·dq + 4p + j mod 4). Keys jn … jPad−1 of the last strip are zero. Full strips are transposed
 * 4×4 at a time with shuffles.
 */
function packK(dst: usize, desc: usize, b: i32, j0: i32, jn: i32, jPad: i32, kHead: i32, dq: i32): void {
  for (let j = 0; j < jPad; j += 4) {
    const d = dst + fl(j * dq);
    if (j + 4 <= jn) {
      const r0 = at(desc, 16, b, j0 + j, kHead), r1 = at(desc, 16, b, j0 + j + 1, kHead);
      const r2 = at(desc, 16, b, j0 + j + 2, kHead), r3 = at(desc, 16, b, j0 + j + 3, kHead);
      let p = 0;
      for (; p + 4 <= dq; p += 4) {
        const x0 = v128.load(r0 + fl(p)), x1 = v128.load(r1 + fl(p));
        const x2 = v128.load(r2 + fl(p)), x3 = v128.load(r3 + fl(p));
        const lo01 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), lo23 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
        const hi01 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), hi23 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
        const o = d + fl(p * 4);
        v128.store(o, v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5));
        v128.store(o, v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7), 16);
        v128.store(o, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5), 32);
        v128.store(o, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7), 48);
      }
      for (; p < dq; p++) {
        const o = d + fl(p * 4);
        store<f32>(o, load<f32>(r0 + fl(p))); store<f32>(o, load<f32>(r1 + fl(p)), 4);
        store<f32>(o, load<f32>(r2 + fl(p)), 8); store<f32>(o, load<f32>(r3 + fl(p)), 12);
      }
    } else {
      for (let r = 0; r < 4; r++) {
        const o = d + fl(r);
        if (j + r < jn) {
          const src = at(desc, 16, b, j0 + j + r, kHead);
          for (let p = 0; p < dq; p++) store<f32>(o + fl(p * 4), load<f32>(src + fl(p)));
        } else {
          for (let p = 0; p < dq; p++) store<f32>(o + fl(p * 4), 0);
        }
      }
    }
  }
}

/** dst[0..n) = src[0..n) · s (dst may be any strided row; tail done scalar so nothing past n is touched). */
function scaleOut(dst: usize, src: usize, s: f32, n: i32): void {
  const sv = f32x4.splat(s);
  let c = 0;
  for (; c + 4 <= n; c += 4) v128.store(dst + fl(c), f32x4.mul(v128.load(src + fl(c)), sv));
  for (; c < n; c++) store<f32>(dst + fl(c), load<f32>(src + fl(c)) * s);
}

// @ts-ignore: decorator
@inline function dot(q: usize, k: usize, n: i32): f32 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let p = 0;
  for (; p + 16 <= n; p += 16) {
    const o = fl(p);
    a0 = madd(v128.load(q + o), v128.load(k + o), a0);
    a1 = madd(v128.load(q + o, 16), v128.load(k + o, 16), a1);
    a2 = madd(v128.load(q + o, 32), v128.load(k + o, 32), a2);
    a3 = madd(v128.load(q + o, 48), v128.load(k + o, 48), a3);
  }
  for (; p + 4 <= n; p += 4) a0 = madd(v128.load(q + fl(p)), v128.load(k + fl(p)), a0);
  let s = hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  for (; p < n; p++) s += load<f32>(q + fl(p)) * load<f32>(k + fl(p));
  return s;
}

/** Lane i of the result is the sum of the four lanes of a_i: four dot products finished with shuffles, not hsums. */
// @ts-ignore: decorator
@inline function reduce4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const u0 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), v128.shuffle<f32>(a0, a1, 2, 6, 3, 7));
  const u1 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), v128.shuffle<f32>(a2, a3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(u0, u1, 0, 1, 4, 5), v128.shuffle<f32>(u0, u1, 2, 3, 6, 7));
}

// @ts-ignore: decorator
@inline function axpy(o: usize, v: usize, s: f32, n: i32): void {
  const sv = f32x4.splat(s);
  let c = 0;
  for (; c + 16 <= n; c += 16) {
    const p = fl(c);
    v128.store(o + p, madd(v128.load(v + p), sv, v128.load(o + p)));
    v128.store(o + p, madd(v128.load(v + p, 16), sv, v128.load(o + p, 16)), 16);
    v128.store(o + p, madd(v128.load(v + p, 32), sv, v128.load(o + p, 32)), 32);
    v128.store(o + p, madd(v128.load(v + p, 48), sv, v128.load(o + p, 48)), 48);
  }
  for (; c + 4 <= n; c += 4) v128.store(o + fl(c), madd(v128.load(v + fl(c)), sv, v128.load(o + fl(c))));
  for (; c < n; c++) store<f32>(o + fl(c), load<f32>(o + fl(c)) + load<f32>(v + fl(c)) * s);
}

/** Floats of one split-decode partial result: max, sum, two pad words, then the unnormalised output (dv padded to 4). */
// @ts-ignore: decorator
@inline function partialFloats(dv: i32): i32 { return up(dv, 4) + 4; }

/**
 * One decode step of sequence b for the maps of one group over key chunk `chunk` (keys chunk·len … min(keys,
 * (chunk+1)·len) − 1). Scores (four keys at a time for every map when the group has several, so K rows stay in L1
 * across maps), softmax, then each V row once into every map reading it. With one chunk the normalised result goes straight to out;
 * with several, each writes its max, sum and unnormalised output to the partial buffer for attendMerge.
 */
function decode(desc: usize, b: i32, ge: usize, chunk: i32, scratch: usize, counters: usize): void {
  const keys = di(desc, 2), nMaps = di(desc, 3), dq = di(desc, 4), dv = di(desc, 5), chunks = di(desc, 8);
  const scale = reinterpret<f32>(di(desc, 9)), gMax = di(desc, 10), len = di(desc, 29);
  const kHead = load<i32>(ge), G = load<i32>(ge, 4), nV = load<i32>(ge, 8);
  const vHeads = ge + 12, maps = vHeads + fl(nV), vIdx = maps + fl(G);
  const j0 = chunk * len, j1 = min(keys, j0 + len), n = j1 - j0;
  if (n <= 0) return;
  const dq4 = up(dq, 4), dv4 = up(dv, 4), n4 = up(n, 4), dqv = dq & ~3;
  const Q = scratch, S = Q + fl(gMax * dq4), O = S + fl(gMax * n4), L = O + fl(gMax * dv4), M = L + fl(gMax);
  for (let mi = 0; mi < G; mi++) {
    const src = at(desc, 12, b, 0, load<i32>(maps + fl(mi))), d = Q + fl(mi * dq4);
    for (let p = 0; p < dq4; p++) store<f32>(d + fl(p), p < dq ? load<f32>(src + fl(p)) * scale : 0);
  }
  // Scores: K streamed once, four sequential rows at a time, every map of the group against them.
  const kT = fl(di(desc, 18));
  const kb = at(desc, 16, b, 0, kHead);
  let j = j0;
  // With one map there is nothing to share a K row with: the row-by-row dot below streams K best.
  for (; G >= 2 && j + 4 <= j1; j += 4) {
    const r0 = kb + <usize>j * kT, r1 = r0 + kT, r2 = r1 + kT, r3 = r2 + kT;
    let mi = 0;
    // Two maps per pass: eight independent accumulators hide the FMA latency, and each K vector feeds two maps.
    for (; mi + 2 <= G; mi += 2) {
      const qm = Q + fl(mi * dq4), qn = qm + fl(dq4);
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
      for (let p = 0; p < dqv; p += 4) {
        const o = fl(p), qv = v128.load(qm + o), qw = v128.load(qn + o);
        const k0 = v128.load(r0 + o), k1 = v128.load(r1 + o), k2 = v128.load(r2 + o), k3 = v128.load(r3 + o);
        a0 = madd(qv, k0, a0); b0 = madd(qw, k0, b0);
        a1 = madd(qv, k1, a1); b1 = madd(qw, k1, b1);
        a2 = madd(qv, k2, a2); b2 = madd(qw, k2, b2);
        a3 = madd(qv, k3, a3); b3 = madd(qw, k3, b3);
      }
      let s = reduce4(a0, a1, a2, a3), t = reduce4(b0, b1, b2, b3);
      for (let p = dqv; p < dq; p++) {
        const o = fl(p), x0 = load<f32>(r0 + o), x1 = load<f32>(r1 + o), x2 = load<f32>(r2 + o), x3 = load<f32>(r3 + o);
        const qs = load<f32>(qm + o), qt = load<f32>(qn + o);
        s = f32x4.add(s, f32x4(qs * x0, qs * x1, qs * x2, qs * x3));
        t = f32x4.add(t, f32x4(qt * x0, qt * x1, qt * x2, qt * x3));
      }
      v128.store(S + fl(mi * n4 + j - j0), s);
      v128.store(S + fl((mi + 1) * n4 + j - j0), t);
    }
    for (; mi < G; mi++) {
      const qm = Q + fl(mi * dq4);
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      for (let p = 0; p < dqv; p += 4) {
        const o = fl(p), qv = v128.load(qm + o);
        a0 = madd(qv, v128.load(r0 + o), a0);
        a1 = madd(qv, v128.load(r1 + o), a1);
        a2 = madd(qv, v128.load(r2 + o), a2);
        a3 = madd(qv, v128.load(r3 + o), a3);
      }
      let s = reduce4(a0, a1, a2, a3);
      for (let p = dqv; p < dq; p++) {
        const qs = load<f32>(qm + fl(p)), o = fl(p);
        s = f32x4.add(s, f32x4(qs * load<f32>(r0 + o), qs * load<f32>(r1 + o), qs * load<f32>(r2 + o), qs * load<f32>(r3 + o)));
      }
      v128.store(S + fl(mi * n4 + j - j0), s);
    }
  }
  for (; j < j1; j++) {
    const kr = kb + <usize>j * kT;
    for (let mi = 0; mi < G; mi++) store<f32>(S + fl(mi * n4 + j - j0), dot(Q + fl(mi * dq4), kr, dq));
  }
  for (let mi = 0; mi < G; mi++) {
    const row = S + fl(mi * n4);
    for (let i = n; i < n4; i++) store<f32>(row + fl(i), -Infinity);
    let mv = f32x4.splat(-Infinity);
    for (let i = 0; i < n4; i += 4) mv = f32x4.pmax(mv, v128.load(row + fl(i)));
    const mx = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
      max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    const ms = f32x4.splat(mx);
    let sum = f32x4.splat(0);
    for (let i = 0; i < n4; i += 4) {
      const e = exp4(f32x4.sub(v128.load(row + fl(i)), ms));
      v128.store(row + fl(i), e);
      sum = f32x4.add(sum, e);
    }
    store<f32>(L + fl(mi), hsum(sum));
    store<f32>(M + fl(mi), mx);
    memory.fill(O + fl(mi * dv4), 0, fl(dv4));
  }
  // V once per distinct value head, one sequential row at a time, accumulated into each map reading that head.
  const vT = fl(di(desc, 22));
  for (let vi = 0; vi < nV; vi++) {
    const vb = at(desc, 20, b, 0, load<i32>(vHeads + fl(vi)));
    for (let jj = j0; jj < j1; jj++) {
      const vr = vb + <usize>jj * vT;
      for (let mi = 0; mi < G; mi++) {
        if (load<i32>(vIdx + fl(mi)) == vi) axpy(O + fl(mi * dv4), vr, load<f32>(S + fl(mi * n4 + jj - j0)), dv);
      }
    }
  }
  for (let mi = 0; mi < G; mi++) {
    const m = load<i32>(maps + fl(mi));
    if (chunks == 1) {
      scaleOut(at(desc, 24, b, 0, m), O + fl(mi * dv4), 1 / load<f32>(L + fl(mi)), dv);
    } else {
      const part = <usize>di(desc, 28) + fl(((b * nMaps + m) * chunks + chunk) * partialFloats(dv));
      store<f32>(part, load<f32>(M + fl(mi)));
      store<f32>(part, load<f32>(L + fl(mi)), 4);
      memory.copy(part + 16, O + fl(mi * dv4), fl(dv4));
    }
  }
  const pairs = <f64>n * <f64>G;
  count(counters, CNT_MADD, pairs * <f64>(dq + dv));
  count(counters, CNT_EXP, pairs);
  count(counters, CNT_KELEMS, <f64>n * <f64>dq);
  count(counters, CNT_VELEMS, <f64>n * <f64>dv * <f64>nV);
}

/**
 * Combines the chunk partials of split decode for item = (sequence, map): rescales each chunk's sum and output by
 * e^(its max − the overall max) and writes the normalised output. These rescaling exps are bookkeeping, like the
 * online-softmax corrections in prefill, and are not counted as score exps.
 */
export function attendMerge(desc: usize, item: i32): void {
  const nMaps = di(desc, 3), dv = di(desc, 5), chunks = di(desc, 8);
  const b = item / nMaps, m = item - b * nMaps;
  const stride = fl(partialFloats(dv));
  const base = <usize>di(desc, 28) + <usize>((b * nMaps + m) * chunks) * stride;
  let mx: f32 = -Infinity;
  for (let c = 0; c < chunks; c++) mx = max(mx, load<f32>(base + <usize>c * stride));
  let l: f32 = 0;
  for (let c = 0; c < chunks; c++) {
    const p = base + <usize>c * stride;
    const w = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(p) - mx)), 0);
    store<f32>(p, w);
    l += w * load<f32>(p, 4);
  }
  const inv: f32 = 1 / l;
  const out = at(desc, 24, b, 0, m);
  let c = 0;
  for (; c + 4 <= dv; c += 4) {
    let acc = f32x4.splat(0);
    for (let k = 0; k < chunks; k++) {
      const p = base + <usize>k * stride;
      acc = madd(v128.load(p + 16 + fl(c)), v128.load32_splat(p), acc);
    }
    v128.store(out + fl(c), f32x4.mul(acc, f32x4.splat(inv)));
  }
  for (; c < dv; c++) {
    let acc: f32 = 0;
    for (let k = 0; k < chunks; k++) {
      const p = base + <usize>k * stride;
      acc += load<f32>(p + 16 + fl(c)) * load<f32>(p);
    }
    store<f32>(out + fl(c), acc * inv);
  }
}
