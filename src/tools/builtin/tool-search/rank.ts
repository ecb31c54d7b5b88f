/**
 * Finding tools by a query: keywords (with `*` wildcards), a `/regex/`, or `select:a,b` for exact names;
 * best match first.
 *
 * @packageDocumentation
 */

/** What a search looks at. */
export interface Searchable {
  readonly name: string;
  readonly description: string;
}

/** The longest query taken, in characters. */
export const MAX_QUERY_CHARS = 300;
/** Descriptions are matched on their start only: a regex over a huge text is slow. */
const MAX_DESCRIPTION_CHARS = 1_000;
/** A quantified group that is quantified again (`(a+)+`): the shape of catastrophic backtracking. */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{?]/;

const escape = (text: string): string => text.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The query as a regex, when it is written `/pattern/flags`.
 *
 * @throws Error for an invalid pattern or one with nested quantifiers (it could take forever).
 */
function regexOf(query: string): RegExp | undefined {
  const match = /^\/(.+)\/([a-z]*)$/s.exec(query);
  if (!match) return undefined;
  if (NESTED_QUANTIFIER.test(match[1]!)) throw new Error('the pattern nests quantifiers; use keywords instead.');
  return new RegExp(match[1]!, match[2]!.includes('i') ? 'i' : '');
}

/** Name parts: `plugin__github__open_issue` → plugin, github, open, issue. */
const partsOf = (name: string): string[] =>
  name
    .toLowerCase()
    .split(/[_\-.]+/)
    .filter(Boolean);

function score(tool: Searchable, terms: readonly { text: string; pattern?: RegExp }[]): number {
  const name = tool.name.toLowerCase();
  const parts = partsOf(tool.name);
  const description = tool.description.slice(0, MAX_DESCRIPTION_CHARS).toLowerCase();
  let total = 0;
  for (const term of terms) {
    if (term.pattern) {
      if (term.pattern.test(name)) total += 6;
      else if (term.pattern.test(description)) total += 2;
    } else if (name === term.text) total += 12;
    else if (parts.includes(term.text)) total += 6;
    else if (name.includes(term.text)) total += 4;
    else if (new RegExp(`\\b${escape(term.text)}`).test(description)) total += 2;
    else if (description.includes(term.text)) total += 1;
  }
  return total;
}

/**
 * The tools matching `query`, best first, at most `limit`.
 *
 * - `select:read_issue,plugin__jira__create`: exactly those names;
 * - `/^mcp__github__/`: a regex over names and descriptions (a pattern that nests quantifiers is refused);
 * - keywords, `*` a wildcard: `github issue`, `plugin__jira__*`. A tool scores by how its name and
 *   description match each keyword; tools matching none are left out.
 *
 * @example
 * ```ts
 * searchTools(tools, 'weather forecast', 5); // [get_weather, get_forecast, …]
 * ```
 * @throws Error for a regex that is invalid or nests quantifiers.
 */
export function searchTools<T extends Searchable>(tools: readonly T[], query: string, limit: number): T[] {
  const text = query.trim().slice(0, MAX_QUERY_CHARS);
  if (text.startsWith('select:')) {
    const names = text
      .slice('select:'.length)
      .split(',')
      .map((n) => n.trim());
    return names.flatMap((n) => tools.filter((t) => t.name === n)).slice(0, limit);
  }
  const regex = regexOf(text);
  const terms = regex
    ? [{ text, pattern: regex }]
    : text
        .toLowerCase()
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((term) =>
          term.includes('*')
            ? { text: term, pattern: new RegExp(`^${term.split('*').map(escape).join('.*')}$`) }
            : { text: term },
        );
  return tools
    .map((tool) => ({ tool, score: score(tool, terms) }))
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || a.tool.name.localeCompare(b.tool.name))
    .slice(0, limit)
    .map((entry) => entry.tool);
}
