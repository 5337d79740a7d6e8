/** Seeded pseudo-random numbers (mulberry32), so kernel inputs and weights are reproducible. */

/** A generator of uniform numbers in [−1, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

/** n values uniform in [−scale, scale). */
export function randomArray(rand: () => number, n: number, scale: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rand() * scale;
  return out;
}
