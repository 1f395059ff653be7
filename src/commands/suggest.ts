// "Did you mean …?" for a mistyped command, flag, context or setting.

/** Edit distance counting a swap of two neighbours as one edit ("qeueus" is 1 from "queues"). */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate closest to `input`, if it is close enough to be what was
 * meant: a few edits away (about one in three characters), or the only
 * candidate that starts with it.
 */
export function nearest(input: string, candidates: readonly string[]): string | undefined {
  const typed = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(Math.max(typed.length, best.length) / 3))) return best;
  const prefixed = typed.length >= 2 ? candidates.filter((c) => c.toLowerCase().startsWith(typed)) : [];
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
