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

/**
 * `count` orders for one fetch, as the fetch script reads them: 1-based type
 * numbers joined by ',' within an order and ';' between orders, e.g.
 * "2,1,3;1,2,3". One string instead of one argument per slot: a busy pool
 * fetches dozens of jobs a trip, and each argument costs copies on the way.
 */
export function priorityOrdersArg(priorities: readonly number[], count: number, random: () => number = Math.random): string {
  if (priorities.length === 1) return count > 0 ? '1' + ';1'.repeat(count - 1) : '';
  let out = '';
  for (let slot = 0; slot < count; slot++) {
    const order = samplePriorityOrder(priorities, random);
    if (slot > 0) out += ';';
    for (let i = 0; i < order.length; i++) out += i === 0 ? String(order[i]! + 1) : `,${order[i]! + 1}`;
  }
  return out;
}
