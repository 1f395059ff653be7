// Weighted random order of job types for each fetch: a type with priority p is
// tried first with probability p / (sum of priorities), and the rest of the
// order is drawn the same way among the remaining types (sampling without
// replacement, as gocraft does). Pure: the random source is an argument.

export const MIN_PRIORITY = 1;
export const MAX_PRIORITY = 100_000;

/** Returns indexes into `priorities`, in the order to try them. */
export function samplePriorityOrder(priorities: readonly number[], random: () => number = Math.random): number[] {
  const order = priorities.map((_, i) => i);
  let remaining = priorities.reduce((sum, p) => sum + p, 0);
  for (let slot = 0; slot < order.length - 1; slot++) {
    let target = random() * remaining;
    let pick = order.length - 1;
    for (let i = slot; i < order.length; i++) {
      target -= priorities[order[i]!]!;
      if (target < 0) {
        pick = i;
        break;
      }
    }
    const chosen = order[pick]!;
    order[pick] = order[slot]!;
    order[slot] = chosen;
    remaining -= priorities[chosen]!;
  }
  return order;
}
