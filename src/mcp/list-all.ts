/** Pages followed at most: a server that hands out cursors forever cannot hold a listing. */
const MAX_PAGES = 100;

/**
 * Every item of a paginated MCP list (`tools/list`, `resources/list`, `prompts/list`, …): pages are
 * fetched while the server returns a `nextCursor`, stopping at a cursor seen before or after 100 pages.
 *
 * @example
 * ```ts
 * const tools = await listAll(async (cursor) => {
 *   const page = await client.listTools(cursor ? { cursor } : {});
 *   return { items: page.tools, nextCursor: page.nextCursor };
 * });
 * ```
 */
export async function listAll<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: readonly T[]; nextCursor?: string | undefined }>,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await fetchPage(cursor);
    items.push(...result.items);
    cursor = result.nextCursor;
    if (cursor === undefined || cursor === '' || seen.has(cursor)) break;
    seen.add(cursor);
  }
  return items;
}
