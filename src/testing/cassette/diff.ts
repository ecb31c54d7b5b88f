/**
 * A line diff of two JSON values, for the message of a request the cassette does not hold.
 *
 * @packageDocumentation
 */

/** Pretty JSON with keys sorted, so a diff shows what changed and not where keys happened to be. */
function pretty(value: unknown): string[] {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (typeof v !== 'object' || v === null) return v;
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((key) => [key, sorted((v as Record<string, unknown>)[key])]),
    );
  };
  return (JSON.stringify(sorted(value), null, 2) ?? 'undefined').split('\n');
}

/**
 * The lines of `recorded` and `sent` that differ, as `- recorded` / `+ sent`, with `context` unchanged lines
 * around each change (longest common subsequence, which is fine for request bodies of a few thousand lines).
 */
export function jsonDiff(recorded: unknown, sent: unknown, context = 2): string {
  const a = pretty(recorded);
  const b = pretty(sent);
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: { mark: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ mark: ' ', text: a[i++]! });
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! > lcs[i + 1]![j]!)) {
      lines.push({ mark: '+', text: b[j++]! });
    } else {
      lines.push({ mark: '-', text: a[i++]! });
    }
  }
  const near = (k: number): boolean =>
    lines.slice(Math.max(0, k - context), k + context + 1).some((line) => line.mark !== ' ');
  const out: string[] = [];
  lines.forEach((line, k) => {
    if (near(k)) out.push(`${line.mark} ${line.text}`);
    else if (out.at(-1) !== '  …') out.push('  …');
  });
  return out.join('\n');
}
