/**
 * The warnings snapshots give while they go on: files a take left out, files a restore left alone.
 *
 * @packageDocumentation
 */
import type { SkippedPath, SnapshotWarning } from './snapshot-types.js';

/** A list of paths for a message: the first few, and how many more. */
export function listForMessage(paths: readonly string[], max = 5): string {
  const shown = paths.slice(0, max).join(', ');
  return paths.length > max ? `${shown} and ${paths.length - max} more` : shown;
}

/**
 * Warnings for what a take left out that `warned` does not hold yet (it is updated): one per kind, so a
 * big file is reported the first time a snapshot object meets it, not at every turn.
 */
export function takeWarnings(
  skipped: readonly SkippedPath[],
  warned: Set<string>,
  limits: { readonly maxFileBytes: number; readonly maxTotalBytes: number },
): SnapshotWarning[] {
  const fresh = skipped.filter((entry) => !warned.has(`${entry.reason}:${entry.path}`));
  for (const entry of fresh) warned.add(`${entry.reason}:${entry.path}`);
  const of = (reason: SkippedPath['reason']): SkippedPath[] => fresh.filter((entry) => entry.reason === reason);
  const named = (entries: readonly SkippedPath[]): string =>
    listForMessage(
      entries.map((entry) => (entry.bytes === undefined ? entry.path : `${entry.path} (${entry.bytes} bytes)`)),
    );
  const warnings: SnapshotWarning[] = [];
  const tooLarge = of('too-large');
  if (tooLarge.length > 0)
    warnings.push({
      kind: 'too-large',
      paths: tooLarge.map((entry) => entry.path),
      message:
        `Not recorded in the workspace snapshot, larger than maxFileBytes (${limits.maxFileBytes} bytes): ` +
        `${named(tooLarge)}. Undo cannot restore these files.`,
    });
  const overTotal = of('over-total');
  if (overTotal.length > 0)
    warnings.push({
      kind: 'over-total',
      paths: overTotal.map((entry) => entry.path),
      message:
        `Left out of the workspace snapshot to keep it under maxTotalBytes (${limits.maxTotalBytes} bytes of ` +
        `disk): ${named(overTotal)}. Undo cannot restore these files; delete them or raise maxTotalBytes.`,
    });
  const nested = of('nested-repository');
  if (nested.length > 0)
    warnings.push({
      kind: 'nested-repository',
      paths: nested.map((entry) => entry.path),
      message:
        `Not recorded in the workspace snapshot, directories holding their own git repository: ${named(nested)}. ` +
        'Undo leaves them alone.',
    });
  return warnings;
}

/** The warning of a restore that left unrecorded files as they are. */
export function notRecordedWarning(skipped: readonly SkippedPath[]): SnapshotWarning | undefined {
  if (skipped.length === 0) return undefined;
  const paths = skipped.map((entry) => entry.path);
  return {
    kind: 'not-recorded',
    paths,
    message:
      `Left as they are, because no snapshot records them (too large, over the total cap, or a nested ` +
      `repository): ${listForMessage(paths)}.`,
  };
}
