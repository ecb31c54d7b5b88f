/**
 * `toolSearch`: many tools behind one `tool_search` tool, so the model's tool list stays small.
 *
 * @packageDocumentation
 */
import { z } from 'zod';
import { ConfigError } from '../../../errors/config-error.js';
import type { JsonValue } from '../../../model/message.js';
import { tool } from '../../define-tool.js';
import type { SessionState, Tool } from '../../tool.js';
import { isToolset, type Toolset, type ToolsetContext, type ToolsetStatus } from '../../toolset.js';
import { searchTools } from './rank.js';

/**
 * The name of the search tool the model calls.
 *
 * @example
 * ```ts
 * const searches = events.filter((e) => e.type === 'tool-call' && e.name === TOOL_SEARCH_NAME);
 * ```
 */
export const TOOL_SEARCH_NAME = 'tool_search';
/** Deferred tools named in the search tool's description, at most; the others are found by searching. */
const MAX_LISTED_NAMES = 300;
const DEFAULT_MAX_RESULTS = 5;
const MAX_RESULTS = 20;

/**
 * Options of {@link toolSearch}.
 *
 * @example
 * ```ts
 * const options: ToolSearchOptions = { tools: [mcp, plugins()], alwaysLoaded: ['mcp__github__search'], maxResults: 5 };
 * ```
 */
export interface ToolSearchOptions {
  /** The tools to defer: tools, toolsets (MCP servers, plugins), or both. */
  readonly tools: readonly (Tool | Toolset)[];
  /** Names of tools always in the model's tool list, never deferred. @defaultValue [] */
  readonly alwaysLoaded?: readonly string[];
  /** Tools one search loads, at most (the model may ask for up to 20). @defaultValue 5 */
  readonly maxResults?: number;
  /** Names this toolset in events, and keys its state in the session. @defaultValue 'tool-search' */
  readonly name?: string;
}

const stringList = (value: JsonValue | undefined): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

const firstLine = (text: string): string => {
  const line = text.split('\n', 1)[0]!.trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
};

/**
 * A toolset that defers many tools behind one search tool. The model's tool list holds `tool_search` and
 * the loaded tools; the deferred ones are named (by name only) in `tool_search`'s description. A
 * `tool_search({ query })` call loads the best matches (keywords, `*` wildcards, `/regex/`, or
 * `select:name,…`) into the NEXT request of the session. What a session loaded is kept in its state, so it
 * stays loaded in later runs and after a restart.
 *
 * Deferring changes what the model sees, not what it may do: a deferred tool's name is the same
 * (`mcp__…`, `plugin__…`), every call goes through the agent's policy, and a call to a deferred tool
 * the model names without searching runs like any call.
 *
 * @example
 * ```ts
 * import { toolSearch } from 'icode/tools';
 *
 * const agent = createAgent({
 *   provider,
 *   tools: [...codingTools({ root }), toolSearch({ tools: [github, jira, plugins()] })],
 * });
 * ```
 * @throws ConfigError for options of the wrong shape.
 */
export function toolSearch(options: ToolSearchOptions): Toolset {
  if (!Array.isArray(options?.tools))
    throw new ConfigError('toolSearch: `tools` must be an array of tools and toolsets.');
  const maxResults = options.maxResults ?? DEFAULT_MAX_RESULTS;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS) {
    throw new ConfigError(`toolSearch: maxResults must be an integer from 1 to ${MAX_RESULTS}, got ${maxResults}.`);
  }
  const name = options.name ?? 'tool-search';
  const stateKey = `tool-search:${name}:loaded`;
  const always = new Set(options.alwaysLoaded ?? []);
  const toolsets = options.tools.filter(isToolset);
  const plain = options.tools.filter((entry): entry is Tool => !isToolset(entry));
  const lists = new Map<Toolset, readonly Tool[]>();
  let catalog: readonly Tool[] = [];
  let offered: readonly Tool[] = [];
  let deferred: ReadonlySet<string> = new Set();

  const loadedIn = (state: SessionState): Set<string> => new Set(stringList(state.get(stateKey)));

  const searchTool = (): Tool =>
    tool({
      name: TOOL_SEARCH_NAME,
      description: describe(),
      input: z.object({
        query: z
          .string()
          .min(1)
          .describe('Keywords (a "*" matches anything), a /regex/, or "select:name1,name2" for exact tool names.'),
        max_results: z
          .number()
          .int()
          .min(1)
          .max(MAX_RESULTS)
          .optional()
          .describe(`At most this many tools; default ${maxResults}.`),
      }),
      readOnly: true,
      execute: ({ query, max_results }, ctx) => {
        const found = searchTools(catalog, query, max_results ?? maxResults);
        if (found.length === 0) return `No tool matches ${JSON.stringify(query)}. Try other keywords.`;
        const loaded = loadedIn(ctx.state);
        const fresh = found.filter((t) => deferred.has(t.name) && !loaded.has(t.name));
        for (const t of fresh) loaded.add(t.name);
        if (fresh.length > 0) ctx.state.set(stateKey, [...loaded]);
        const lines = found.map((t) => `- ${t.name}: ${firstLine(t.description)}`);
        return `${fresh.length > 0 ? 'Loaded; these tools can be called from your next step' : 'These tools are already available'}:\n${lines.join('\n')}`;
      },
    });

  const describe = (): string => {
    const names = catalog.filter((t) => deferred.has(t.name)).map((t) => t.name);
    const listed = names.slice(0, MAX_LISTED_NAMES).join(', ');
    const more = names.length > MAX_LISTED_NAMES ? ` and ${names.length - MAX_LISTED_NAMES} more` : '';
    return `Finds tools and loads them so you can call them from your next step. These tools exist but are not loaded yet (search by keyword or name to load them): ${listed}${more}.`;
  };

  const rebuild = (): void => {
    const seen = new Set<string>();
    const all: Tool[] = [];
    for (const t of [...plain, ...toolsets.flatMap((set) => lists.get(set) ?? [])]) {
      if (t.name === TOOL_SEARCH_NAME || seen.has(t.name)) continue;
      seen.add(t.name);
      all.push(t);
    }
    catalog = all;
    deferred = new Set(all.filter((t) => !always.has(t.name)).map((t) => t.name));
    offered = [searchTool(), ...all];
  };
  rebuild();

  return {
    kind: 'toolset',
    name,
    async tools(context?: ToolsetContext) {
      let changed = false;
      for (const set of toolsets) {
        try {
          const list = await set.tools(context);
          if (list !== lists.get(set)) {
            lists.set(set, list);
            changed = true;
          }
        } catch {
          // A toolset that cannot list its tools keeps the ones it listed last (its own status says why).
        }
      }
      if (changed) rebuild();
      return offered;
    },
    deferredTools({ state }) {
      const loaded = loadedIn(state);
      if (loaded.size === 0) return deferred;
      return new Set([...deferred].filter((n) => !loaded.has(n)));
    },
    onToolsChanged(listener) {
      const offs = toolsets.map((set) => set.onToolsChanged?.(listener));
      return () => offs.forEach((off) => off?.());
    },
    onStatus(listener: (status: ToolsetStatus) => void) {
      const offs = toolsets.map((set) => set.onStatus?.(listener));
      return () => offs.forEach((off) => off?.());
    },
    wrapTools(tools) {
      return toolsets.reduce((wrapped, set) => (set.wrapTools ? set.wrapTools(wrapped) : wrapped), tools);
    },
    close: async () => {
      const closed = await Promise.allSettled(toolsets.map((set) => set.close()));
      const failed = closed.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
