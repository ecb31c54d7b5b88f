import { createHash } from 'node:crypto';

/** What every provider accepts as a tool name. */
const MAX_NAME = 64;

/**
 * The name an MCP tool has for the model and the policy: `mcp__<server>__<tool>`. Characters providers
 * reject become `_`; a name past 64 characters is cut and ends in a hash of the full name, so the same tool
 * always gets the same name (stored sessions and permission rules keep working). `taken` holds the names
 * already given on this server: a tool whose name would collide with one of them gets the hash too.
 *
 * @example
 * ```ts
 * mcpToolName('fs', 'read_file'); // 'mcp__fs__read_file'
 * mcpToolName('docs', 'search.v2'); // 'mcp__docs__search_v2'
 * ```
 */
export function mcpToolName(server: string, tool: string, taken?: ReadonlySet<string>): string {
  const full = `mcp__${server}__${tool}`;
  const safe = full.replace(/[^A-Za-z0-9_-]/g, '_');
  if (safe.length <= MAX_NAME && !taken?.has(safe)) return safe;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${safe.slice(0, MAX_NAME - 9)}_${hash}`;
}
