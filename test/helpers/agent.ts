import { z } from 'zod';
import type { AgentEvent, AgentRun, Policy, PolicyDecision } from '../../src/index.js';
import { tool } from '../../src/index.js';

/** Collects every event of a run and its result. */
export async function collect(run: AgentRun): Promise<{ events: AgentEvent[]; types: string[] }> {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return { events, types: events.map((e) => e.type) };
}

/** Every event of a run, and the error its iterator threw (undefined when it ended cleanly). */
export async function drain(run: AsyncIterable<AgentEvent>): Promise<{ events: AgentEvent[]; error: unknown }> {
  const events: AgentEvent[] = [];
  try {
    for await (const event of run) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

/** A policy that answers every call the same way. */
export function fixedPolicy(decision: PolicyDecision['decision'], extra: Partial<Policy> = {}): Policy {
  return {
    decide: async () => ({
      decision,
      reason: `fixed ${decision}`,
      ...(decision === 'ask' ? { suggestedRule: 'Echo' } : {}),
    }),
    ...extra,
  };
}

/** A read-only tool that echoes its text. */
export const echoTool = tool({
  name: 'echo',
  description: 'Echo the text back',
  input: z.object({ text: z.string() }),
  readOnly: true,
  execute: ({ text }) => `echo: ${text}`,
});

/** Resolves after `ms`. */
export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
