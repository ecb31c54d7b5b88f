import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool, type Part, type RunResult, type ToolResultPart } from 'icode';
import { autoModel } from 'icode/testing';

const address = z.object({ street: z.string().min(3), city: z.string(), zip: z.string().max(5).optional() });
const schemas = {
  tickets: z.object({
    title: z.string().min(5).max(60),
    priority: z.enum(['low', 'medium', 'high']),
    assignee: z.email().optional(),
    labels: z.array(z.string()).min(1).max(3),
    estimate: z.number().int().min(1).max(13).optional(),
    due: z.iso.datetime().nullable(),
  }),
  shapes: z.object({
    shape: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('circle'), radius: z.number().positive() }),
      z.object({ kind: z.literal('rect'), width: z.number().min(0), height: z.number().min(0) }),
    ]),
    id: z.union([z.uuid(), z.number().int()]),
  }),
  people: z.object({
    person: z.object({ name: z.string(), home: address, work: address.optional() }),
    tags: z.record(z.string(), z.boolean()).optional(),
    point: z.tuple([z.number(), z.number()]).optional(),
    verbose: z.boolean().default(false),
    step: z.number().multipleOf(0.25).min(-1).max(1),
  }),
};

type Name = keyof typeof schemas;

function recordingTools() {
  const inputs: Record<Name, unknown[]> = { tickets: [], shapes: [], people: [] };
  const tools = (Object.keys(schemas) as Name[]).map((name) =>
    tool({
      name,
      description: `The ${name} tool`,
      input: schemas[name] as z.ZodType<Record<string, unknown>>,
      readOnly: true,
      execute: (input) => {
        inputs[name].push(input);
        return 'ok';
      },
    }),
  );
  return { tools, inputs };
}

const toolResults = (result: RunResult): ToolResultPart[] =>
  result.messages
    .flatMap((m): readonly Part[] => m.content)
    .filter((part): part is ToolResultPart => part.type === 'tool-result');

describe('autoModel', () => {
  it('calls every tool with a valid input, then with edge cases, then sums up', async () => {
    const { tools, inputs } = recordingTools();
    const model = autoModel({ seed: 42 });
    const result = await createAgent({ provider: model, tools }).run('Exercise every tool').result;
    model.assertComplete();

    // Every generated input passed the tool's own zod validation.
    expect(toolResults(result).filter((part) => part.isError)).toEqual([]);
    for (const name of Object.keys(schemas) as Name[]) {
      expect(inputs[name]).toHaveLength(2);
      for (const input of inputs[name]) expect(schemas[name].safeParse(input).success).toBe(true);
    }
    const [valid, edge] = inputs.tickets as Record<string, unknown>[];
    // Optional fields: all there in the valid round, left out at the edge.
    expect(Object.keys(valid!).sort()).toEqual(['assignee', 'due', 'estimate', 'labels', 'priority', 'title']);
    expect(Object.keys(edge!).sort()).toEqual(['due', 'labels', 'priority', 'title']);
    expect(edge).toMatchObject({ title: 'xxxxx', priority: 'high', due: null, labels: ['x'.repeat(0)] });
    // Unions: both branches of the discriminated union, and of the id union, are met.
    const shapes = inputs.shapes as { shape: { kind: string }; id: unknown }[];
    expect(shapes[1]!.shape.kind).toBe('rect');
    expect(typeof shapes[1]!.id).toBe('number');
    // Nested objects are filled at every level.
    const people = inputs.people as { person: { home: { street: string }; work?: unknown } }[];
    expect(people[0]!.person.home.street.length).toBeGreaterThanOrEqual(3);
    expect(people[0]!.person.work).toBeDefined();
    expect(people[1]!.person.work).toBeUndefined();

    expect(result.text).toBe(
      'autoModel called 3 tool(s):\n- tickets: 2 call(s)\n- shapes: 2 call(s)\n- people: 2 call(s)',
    );
  });

  it('is deterministic for a seed, and another seed draws other inputs', async () => {
    const draw = async (seed: number) => {
      const { tools, inputs } = recordingTools();
      const model = autoModel({ seed, edgeCases: false });
      await createAgent({ provider: model, tools }).run('Go').result;
      model.assertComplete();
      return inputs;
    };
    const first = await draw(7);
    expect(await draw(7)).toEqual(first);
    expect(await draw(8)).not.toEqual(first);
    expect(first.tickets).toHaveLength(1);
  });

  it('reports a tool that fails on input its schema accepts', async () => {
    const fragile = tool({
      name: 'fragile',
      description: 'Breaks on an empty name',
      input: z.object({ name: z.string() }),
      readOnly: true,
      execute: ({ name }) => {
        if (name === '') throw new Error('name must not be empty');
        return `hello ${name}`;
      },
    });
    const model = autoModel({ seed: 1 });
    const result = await createAgent({ provider: model, tools: [fragile] }).run('Go').result;
    model.assertComplete();
    expect(toolResults(result).map((part) => part.isError)).toEqual([false, true]);
    expect(result.text).toMatch(
      /^autoModel called 1 tool\(s\):\n- fragile: 2 call\(s\), 1 failed \(first: .*name must not be empty/,
    );
  });

  it('calls only the tools named, and starts over on each run of a session', async () => {
    const { tools, inputs } = recordingTools();
    const model = autoModel({ tools: ['shapes'] });
    const agent = createAgent({ provider: model, tools });
    const first = await agent.run('One').result;
    await agent.run('Two', { sessionId: first.sessionId }).result;
    model.assertComplete();
    expect(inputs.shapes).toHaveLength(4);
    expect(inputs.tickets).toEqual([]);
  });
});
