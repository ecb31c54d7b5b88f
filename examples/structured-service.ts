/**
 * A service endpoint that answers with structured output: POST /triage takes a bug report as JSON, runs an
 * agent whose answer must match a zod schema, and returns the validated object as JSON. The caller's user
 * id (from a header) reaches the agent's tool as the run's `context`: it is never sent to the model and
 * never stored. Runs on the mock model so it needs no key; it starts the server, calls it once, prints
 * what came back, and stops.
 *
 *   npx tsx examples/structured-service.ts
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createAgent, OutputValidationError, tool, type ToolContext } from 'icode';
import { mockProvider } from 'icode/testing';

/** What every request carries to the agent's tools, and nowhere else. */
interface Caller {
  readonly userId: string;
}

/** The answer the endpoint promises its clients. */
const Triage = z.object({
  label: z.enum(['bug', 'feature', 'question']),
  priority: z.number().int().min(1).max(4).describe('1 is the most urgent'),
  summary: z.string(),
  duplicateOf: z.array(z.string()).describe('Ids of earlier reports of the same problem'),
});

const Report = z.object({ title: z.string().min(1), body: z.string().max(20_000) });

// Stands in for a database: each user's open reports.
const openReports: Record<string, { id: string; title: string }[]> = {
  u_42: [{ id: 'R-7', title: 'Login page crashes on Safari' }],
};

const myOpenReports = tool({
  name: 'my_open_reports',
  description: "The caller's own open reports, to spot duplicates",
  input: z.object({}),
  readOnly: true,
  // The user id comes from the run's context, not from the model: it cannot ask for another user's data.
  execute: async (_input, ctx: ToolContext<Caller>) => openReports[ctx.context?.userId ?? ''] ?? [],
});

const agent = createAgent<Caller>({
  provider: mockProvider((request) => {
    const last = request.messages.at(-1);
    if (last?.role !== 'tool') return { toolCalls: [{ name: 'my_open_reports', input: {} }] };
    const earlier = last.content[0]?.type === 'tool-result' ? (last.content[0].output as { id: string }[]) : [];
    return {
      output: {
        label: 'bug',
        priority: 2,
        summary: 'Safari users cannot log in: the login page crashes.',
        duplicateOf: earlier.map((report) => report.id),
      },
    };
  }),
  instructions: 'Triage the bug report. Check the reporter’s open reports for duplicates first.',
  tools: [myOpenReports],
  policy: { mode: 'read-only' },
  output: Triage,
});

const server = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/triage') return void res.writeHead(404).end();
  const userId = req.headers['x-user-id'];
  if (typeof userId !== 'string') return send(res, 401, { error: 'x-user-id header required' });
  const report = Report.safeParse(await json(req));
  if (!report.success) return send(res, 400, { error: 'invalid report', issues: report.error.issues });

  const controller = new AbortController();
  res.on('close', () => controller.abort());
  const prompt = `Title: ${report.data.title}\n\n${report.data.body}`;
  try {
    const result = await agent.run(prompt, { context: { userId }, signal: controller.signal }).result;
    // `output` is typed by the schema; it is set whenever the run completed.
    if (result.status !== 'completed') return send(res, 503, { error: `run ended ${result.status}` });
    send(res, 200, result.output);
  } catch (error) {
    // The model's answer did not match the schema, also after the agent's one repair turn.
    if (OutputValidationError.isInstance(error)) return send(res, 502, { error: 'invalid model answer' });
    send(res, 500, { error: (error as Error).message });
  }
});

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/triage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': 'u_42' },
    body: JSON.stringify({ title: 'Cannot log in', body: 'Safari 18 shows a blank page after the login form.' }),
  });
  console.log(response.status, JSON.stringify(await response.json(), null, 2));
  server.close();
});

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * The request body as JSON; `undefined` when it is not JSON or longer than a report can be (the schema
 * check then refuses it), so a huge body is never buffered whole.
 */
async function json(req: IncomingMessage): Promise<unknown> {
  let data = '';
  for await (const chunk of req) {
    data += (chunk as Buffer).toString('utf8');
    if (data.length > 64_000) return undefined;
  }
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
