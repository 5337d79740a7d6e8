/** A non-peak efficiency profile with round terms: the profile `fit` tests make their data with and must recover. */
import type { EfficiencyProfile } from '../../src/core/efficiency.js';

/** GEMM 0.6, attention 0.5, element-wise 0.7, memory 0.75, 20 µs per layer, 100 µs per pass. */
export const KNOWN_EFFICIENCY: EfficiencyProfile = {
  label: 'known',
  kinds: { gemm: 0.6, attention: 0.5, elementwise: 0.7, gather: 1, collective: 1 },
  memory: 0.75,
  layerOverheadSeconds: 20e-6,
  stepOverheadSeconds: 100e-6,
};
