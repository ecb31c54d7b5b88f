/**
 * Locations (definitions, references, symbols) as the model reads them: `path:line:column` with 1-based
 * positions, workspace-relative paths and the text of the line. Files the policy does not let the model
 * read are left out, as grep leaves them out.
 */
import type { ToolContext } from '../tools/tool.js';
import { keepReadable } from '../tools/builtin/grep/readable.js';
import type { Location, LocationLink, Range } from './protocol.js';
import type { LspWorkspace } from './workspace.js';

/** A location in a file, by absolute path. */
export interface FileLocation {
  readonly path: string;
  readonly range: Range;
}

/** Characters of a line shown next to a location. */
const MAX_PREVIEW_CHARS = 160;

/** The file locations of a definition or references answer (any of its LSP forms), others dropped. */
export function fileLocations(
  workspace: LspWorkspace,
  answer: Location | readonly (Location | LocationLink)[] | null | undefined,
): FileLocation[] {
  if (!answer) return [];
  const list: readonly (Location | LocationLink)[] = Array.isArray(answer) ? answer : [answer as Location];
  const out: FileLocation[] = [];
  for (const entry of list) {
    const link = 'targetUri' in entry;
    const file = workspace.pathOf(link ? entry.targetUri : entry.uri);
    const range = link ? (entry.targetSelectionRange ?? entry.targetRange) : entry.range;
    if (file && range) out.push({ path: file, range });
  }
  return out;
}

/** Drops locations in files the policy hides from the model. */
export function readableLocations<T extends { readonly path: string }>(
  ctx: Pick<ToolContext, 'canRead'>,
  locations: readonly T[],
): Promise<T[]> {
  return keepReadable(ctx, locations, (location) => location.path);
}

/** `path:line:column` of a position, 1-based; marked when the file is outside the workspace. */
export function positionLabel(workspace: LspWorkspace, file: string, range: Range): string {
  const label = `${workspace.display(file)}:${range.start.line + 1}:${range.start.character + 1}`;
  return workspace.contains(file) ? label : `${label} (outside the workspace)`;
}

/**
 * One line per location, `path:line:column: text of the line`, at most `max` (then how many more). The
 * text is read from the workspace; files outside it show no text.
 */
export async function formatLocations(
  workspace: LspWorkspace,
  locations: readonly FileLocation[],
  max: number,
): Promise<string[]> {
  const lines = new Map<string, Promise<string[] | undefined>>();
  const linesOf = (file: string): Promise<string[] | undefined> => {
    let entry = lines.get(file);
    if (!entry) {
      entry = workspace.contains(file)
        ? workspace.read(file).then(
            (text) => text?.split('\n'),
            () => undefined,
          )
        : Promise.resolve(undefined);
      lines.set(file, entry);
    }
    return entry;
  };
  const shown = locations.slice(0, max);
  const out = await Promise.all(
    shown.map(async (location) => {
      const text = (await linesOf(location.path))?.[location.range.start.line]?.trim();
      const label = positionLabel(workspace, location.path, location.range);
      if (!text) return label;
      return `${label}: ${text.length > MAX_PREVIEW_CHARS ? `${text.slice(0, MAX_PREVIEW_CHARS)}…` : text}`;
    }),
  );
  if (locations.length > max) out.push(`… and ${locations.length - max} more`);
  return out;
}
