import { ConfigError } from '../errors/config-error.js';
import type { ModelTool } from '../model/language-model.js';
import { addUsage, costOf, type Usage } from '../model/usage.js';
import type { Tool } from '../tools/tool.js';
import { isToolset, type Toolset, type ToolsetContext, type ToolsetStatus } from '../tools/toolset.js';
import { indexTools } from './config.js';
import type { RunContext } from './run-context.js';

/** Status changes kept for runs that have not seen them yet; older ones are dropped. */
const MAX_NOTICES = 100;

interface Notice {
  readonly seq: number;
  readonly toolset: string;
  readonly status: ToolsetStatus;
}

/**
 * Splits `createAgent`'s `tools` into plain tools (indexed by name, duplicates refused) and toolsets, which
 * {@link AgentToolsets} resolves before each turn.
 *
 * @throws ConfigError for an entry that is neither a tool nor a toolset, or duplicate names.
 */
export function agentTools(entries: readonly (Tool | Toolset)[]): {
  tools: Map<string, Tool>;
  toolsets?: AgentToolsets;
} {
  if (!Array.isArray(entries)) throw new ConfigError('`tools` must be an array of tools and toolsets.');
  const toolsets = entries.filter(isToolset);
  if (toolsets.length === 0) return { tools: indexTools(entries as Tool[]) };
  let plain: readonly Tool[] = entries.filter((e): e is Tool => !isToolset(e));
  for (const toolset of toolsets) if (toolset.wrapTools) plain = toolset.wrapTools(plain);
  const tools = indexTools(plain);
  if (new Set(toolsets).size !== toolsets.length) throw new ConfigError('The same toolset is given twice in `tools`.');
  const live = new AgentToolsets(tools, toolsets);
  return { tools: live.tools, toolsets: live };
}

/**
 * The tools of an agent that has toolsets: its own tools plus what each toolset offers now. `tools` is a
 * live map (the run loop looks calls up in it); it changes only when a toolset returns a new list, so a
 * turn costs one `tools()` call per toolset and nothing else while nothing changes.
 *
 * Health changes of a toolset's servers become `toolset-status` events of the runs in progress, emitted
 * at their next turn (an event in the middle of a turn would land between a call and its result).
 */
export class AgentToolsets {
  readonly tools = new Map<string, Tool>();
  #modelTools: readonly ModelTool[] = [];
  readonly #own: ReadonlyMap<string, Tool>;
  readonly #toolsets: readonly Toolset[];
  readonly #lists: (readonly Tool[] | undefined)[];
  readonly #failures = new Map<Toolset, string>();
  readonly #skipped = new Set<string>();
  readonly #notices: Notice[] = [];
  #seq = 0;
  readonly #runs = new Map<string, RunContext>();
  readonly #seen = new WeakMap<RunContext, number>();
  readonly #unsubscribe: (() => void)[] = [];
  #closing: Promise<void> | undefined;

  constructor(own: ReadonlyMap<string, Tool>, toolsets: readonly Toolset[]) {
    this.#own = own;
    this.#toolsets = toolsets;
    this.#lists = toolsets.map(() => undefined);
    this.#rebuild();
    for (const toolset of toolsets) {
      const off = toolset.onStatus?.((status) => this.#notice(toolset.name, status));
      if (off) this.#unsubscribe.push(off);
    }
  }

  /** Loads the toolsets' tools before a run starts, so a resumed call finds its tool. Emits nothing. */
  async prepare(ctx: RunContext): Promise<void> {
    if (!this.#seen.has(ctx)) {
      this.#seen.set(ctx, this.#seq);
      this.#runs.set(ctx.runId, ctx);
      ctx.onRunEnd(() => void this.#runs.delete(ctx.runId));
    }
    await this.#load(ctx);
  }

  /** The tools of this turn, for the model; emits the status changes the run has not seen yet. */
  async turnTools(ctx: RunContext): Promise<readonly ModelTool[]> {
    await this.prepare(ctx);
    const seen = this.#seen.get(ctx) ?? 0;
    for (const { seq, toolset, status } of this.#notices) {
      if (seq <= seen) continue;
      const wait = ctx.emit({ type: 'toolset-status', toolset, ...status, runId: ctx.runId });
      if (wait) await wait;
    }
    this.#seen.set(ctx, this.#seq);
    return this.#visible(ctx);
  }

  /** The model's tools minus those a toolset defers for this session (`toolSearch`). */
  #visible(ctx: RunContext): readonly ModelTool[] {
    let hidden: Set<string> | undefined;
    for (const toolset of this.#toolsets) {
      for (const name of toolset.deferredTools?.({ state: ctx.state }) ?? []) (hidden ??= new Set()).add(name);
    }
    return hidden ? this.#modelTools.filter((tool) => !hidden.has(tool.name)) : this.#modelTools;
  }

  /** Closes every toolset once; later calls return the same promise. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const off of this.#unsubscribe.splice(0)) off();
      const closed = await Promise.allSettled(this.#toolsets.map((toolset) => toolset.close()));
      const failed = closed.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed) throw failed.reason;
    })();
    return this.#closing;
  }

  async #load(ctx: RunContext): Promise<void> {
    const context: ToolsetContext = {
      provider: ctx.config.options.provider,
      signal: ctx.signal,
      recordUsage: this.#recordUsage,
    };
    const lists = await Promise.all(
      this.#toolsets.map(async (toolset, i) => {
        try {
          const list = await toolset.tools(context);
          this.#failures.delete(toolset);
          return list;
        } catch (error) {
          // A toolset that cannot list its tools keeps the last ones it listed: the run goes on.
          const message = error instanceof Error ? error.message : String(error);
          if (this.#failures.get(toolset) !== message) {
            this.#failures.set(toolset, message);
            this.#notice(toolset.name, { server: toolset.name, status: 'degraded', message });
          }
          return this.#lists[i];
        }
      }),
    );
    if (lists.some((list, i) => list !== this.#lists[i])) {
      lists.forEach((list, i) => (this.#lists[i] = list));
      this.#rebuild();
    }
  }

  /** Rebuilds the live map: the agent's own tools first, then each toolset's in order; a taken name is skipped. */
  #rebuild(): void {
    this.tools.clear();
    for (const [name, tool] of this.#own) this.tools.set(name, tool);
    this.#lists.forEach((list, i) => {
      for (const tool of list ?? []) {
        if (!this.tools.has(tool.name)) this.tools.set(tool.name, tool);
        else if (this.tools.get(tool.name) !== tool && !this.#skipped.has(tool.name)) {
          this.#skipped.add(tool.name);
          const toolset = this.#toolsets[i]!.name;
          this.#notice(toolset, {
            server: toolset,
            status: 'degraded',
            message: `The tool "${tool.name}" of toolset "${toolset}" is left out: another tool has that name.`,
          });
        }
      }
    });
    this.#modelTools = [...this.tools.values()].map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema,
    }));
  }

  #notice(toolset: string, status: ToolsetStatus): void {
    this.#notices.push({ seq: ++this.#seq, toolset, status });
    if (this.#notices.length > MAX_NOTICES) this.#notices.shift();
  }

  readonly #recordUsage = (runId: string, usage: Usage): void => {
    const ctx = this.#runs.get(runId);
    if (!ctx) return;
    addUsage(ctx.usage, usage);
    const pricing = ctx.config.options.provider.pricing;
    if (pricing) {
      ctx.cost += costOf(usage, pricing);
      ctx.costKnown = true;
    }
  };
}
