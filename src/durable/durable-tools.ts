/**
 * Tools whose every call is a DBOS step, so a recovered workflow gets the recorded result of a call that
 * completed instead of running it again, and a call that was running when its worker died is answered as
 * interrupted, as `agent.resume` answers it after a crash, instead of being run a second time.
 *
 * @packageDocumentation
 */
import type { DBOS } from '@dbos-inc/dbos-sdk';
import { INTERRUPTED } from '../agent/run-loop.js';
import type { JsonValue } from '../model/message.js';
import type { Tool, ToolContext } from '../tools/tool.js';

type Outcome = { readonly output: JsonValue } | { readonly error: string } | { readonly interrupted: true };

/**
 * Wraps `tool` for one execution of a workflow. `execution` is a token fresh for each execution: a call
 * whose start was recorded by another execution (one that died) and whose result was not, was interrupted.
 */
export function durableTool(tool: Tool, dbos: typeof DBOS, execution: string): Tool {
  async function execute(input: unknown, context: ToolContext): Promise<JsonValue> {
    const startedBy = await dbos.runStep(() => Promise.resolve(execution), { name: 'icode.tool-start' });
    const outcome = await dbos.runStep(
      async (): Promise<Outcome> => {
        if (startedBy !== execution) return { interrupted: true };
        try {
          return { output: (await tool.execute(input, context)) ?? null };
        } catch (error) {
          // Recorded as a value: a replay gives the model the same error result.
          return { error: error instanceof Error ? error.message : String(error) };
        }
      },
      { name: `icode.tool:${tool.name}` },
    );
    if ('interrupted' in outcome) throw new Error(INTERRUPTED);
    if ('error' in outcome) throw new Error(outcome.error);
    return outcome.output;
  }
  return new Proxy(tool, {
    get(target, property, receiver) {
      if (property === 'execute') return execute;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}
