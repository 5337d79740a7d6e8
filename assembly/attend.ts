// Causal attention for one work item (sequence b, key-head group g, query tile t), described by a block of i32
// words written by JS (layout mirrored in src/kernel/fast/layout.ts). All maps that share the group's key head are
// processed together so every K/V row is loaded once per tile. Prefill: 64-row query tiles, 64-key blocks, online
// softmax, both products on the 4×8 micro-kernel. Decode (one query): stream K once, softmax, stream V once.
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
  const dec = gMax * up(dq, 4) + gMax * up(di(desc, 2), 4) + gMax * up(dv, 4) + gMax;
  return (max(pre, dec) + 16 * 8) * 4;
}

/** Runs work item `item` (tiles in descending cost order first) with this thread's scratch and counters. */
export function attendItem(desc: usize, item: i32, scratch: usize, counters: usize): void {
  const batch = di(desc, 0), nGroups = di(desc, 7), nTiles = di(desc, 8);
  const bg = batch * nGroups;
  const tIdx = item / bg, rem = item - tIdx * bg;
  const b = rem / nGroups, g = rem - (rem / nGroups) * nGroups;
  const ge = desc + fl(di(desc, GROUPS + g));
  if (di(desc, 1) == 1) decode(desc, b, ge, scratch, counters);
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
    for (let j = 0; j < jn; j++) memory.copy(Kb + <usize>j * dqB, at(desc, 16, b, j0 + j, kHead), dqB);
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
          micro4x8(Kb + <usize>js * dqB, dqB, 4, qt + <usize>is * dqB, 32, dq, S + fl(js * br + is), ldS, MK_STORE, 0);
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
          micro4x8(S + fl(iq), 4, ldS, vb + fl(c), ldO, jPad, om + fl(iq * dvPad + c), ldO, MK_SCALE, A + fl(iq));
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

function decode(desc: usize, b: i32, ge: usize, scratch: usize, counters: usize): void {
  const keys = di(desc, 2), dq = di(desc, 4), dv = di(desc, 5), scale = reinterpret<f32>(di(desc, 9));
  const gMax = di(desc, 10), kHead = load<i32>(ge), G = load<i32>(ge, 4), nV = load<i32>(ge, 8);
  const vHeads = ge + 12, maps = vHeads + fl(nV), vIdx = maps + fl(G);
  const dq4 = up(dq, 4), dv4 = up(dv, 4), k4 = up(keys, 4);
  const Q = scratch, S = Q + fl(gMax * dq4), O = S + fl(gMax * k4), L = O + fl(gMax * dv4);
  for (let mi = 0; mi < G; mi++) {
    const src = at(desc, 12, b, 0, load<i32>(maps + fl(mi))), d = Q + fl(mi * dq4);
    for (let p = 0; p < dq4; p++) store<f32>(d + fl(p), p < dq ? load<f32>(src + fl(p)) * scale : 0);
  }
  // K once, one sequential row at a time, every map of the group against it.
  const k0 = at(desc, 16, b, 0, kHead), kT = fl(di(desc, 18));
  for (let j = 0; j < keys; j++) {
    const kr = k0 + <usize>j * kT;
    for (let mi = 0; mi < G; mi++) store<f32>(S + fl(mi * k4 + j), dot(Q + fl(mi * dq4), kr, dq));
  }
  for (let mi = 0; mi < G; mi++) {
    const row = S + fl(mi * k4);
    for (let j = keys; j < k4; j++) store<f32>(row + fl(j), -Infinity);
    let mv = f32x4.splat(-Infinity);
    for (let j = 0; j < k4; j += 4) mv = f32x4.pmax(mv, v128.load(row + fl(j)));
    const mx = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
      max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    const ms = f32x4.splat(mx);
    let sum = f32x4.splat(0);
    for (let j = 0; j < k4; j += 4) {
      const e = exp4(f32x4.sub(v128.load(row + fl(j)), ms));
      v128.store(row + fl(j), e);
      sum = f32x4.add(sum, e);
    }
    store<f32>(L + fl(mi), hsum(sum));
    memory.fill(O + fl(mi * dv4), 0, fl(dv4));
  }
  // V once per distinct value head, sequential rows, accumulated into each map reading that head.
  const vT = fl(di(desc, 22));
  for (let vi = 0; vi < nV; vi++) {
    const v0 = at(desc, 20, b, 0, load<i32>(vHeads + fl(vi)));
    for (let j = 0; j < keys; j++) {
      const vr = v0 + <usize>j * vT;
      for (let mi = 0; mi < G; mi++) {
        if (load<i32>(vIdx + fl(mi)) == vi) axpy(O + fl(mi * dv4), vr, load<f32>(S + fl(mi * k4 + j)), dv);
      }
    }
  }
  for (let mi = 0; mi < G; mi++) {
    scaleOut(at(desc, 24, b, 0, load<i32>(maps + fl(mi))), O + fl(mi * dv4), 1 / load<f32>(L + fl(mi)), dv);
  }
  const pairs = <f64>keys * <f64>G;
  count(counters, CNT_MADD, pairs * <f64>(dq + dv));
  count(counters, CNT_EXP, pairs);
  count(counters, CNT_KELEMS, <f64>keys * <f64>dq);
  count(counters, CNT_VELEMS, <f64>keys * <f64>dv * <f64>nV);
}
