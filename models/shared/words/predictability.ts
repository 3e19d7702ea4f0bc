// How expected a word is at its place, in words a learner understands: the masked LM's
// probability of the original word there, cut into four plain bands.

export type Predictability = 'expected' | 'likely' | 'unusual' | 'surprising';

/** Lower bounds of the bands: a word the model puts at 30 % or more is what anyone would say there. */
export const PREDICTABILITY_BANDS: readonly { band: Predictability; min: number }[] = [
  { band: 'expected', min: 0.3 },
  { band: 'likely', min: 0.03 },
  { band: 'unusual', min: 0.001 },
  { band: 'surprising', min: 0 },
];

export function predictabilityOf(probability: number): Predictability {
  const p = Number.isFinite(probability) ? probability : 0;
  return PREDICTABILITY_BANDS.find((b) => p >= b.min)?.band ?? 'surprising';
}
