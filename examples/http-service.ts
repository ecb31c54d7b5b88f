/**
 * Embedding an agent in a Node HTTP service: POST /runs starts a run and streams its events to the client
 * as Server-Sent Events. The client disconnecting aborts the run. Runs on the mock model so it needs no
 * key; it starts the server, calls it once, prints what came back, and stops.
 *
 *   npx tsx examples/http-service.ts
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createAgent, memoryStore, tool } from 'icode';
import { mockProvider } from 'icode/testing';

const lookupOrder = tool({
  name: 'lookup_order',
  description: 'Status of an order by id',
  input: z.object({ orderId: z.string() }),
  readOnly: true,
  execute: async ({ orderId }) => ({ orderId, status: 'shipped', eta: '2 days' }),
});

const store = memoryStore(); // use sqliteStore or postgresStore to keep sessions across restarts
const agent = createAgent({
  provider: mockProvider((request) =>
    request.messages.at(-1)?.role === 'tool'
      ? { text: 'Your order has shipped and should arrive in 2 days.' }
      : { toolCalls: [{ name: 'lookup_order', input: { orderId: 'A-1001' } }] },
  ),
  instructions: 'You are a support agent.',
  tools: [lookupOrder],
  store,
  policy: { mode: 'read-only' },
});

const server = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/runs') return void res.writeHead(404).end();
  const { message, sessionId } = JSON.parse(await body(req)) as { message: string; sessionId?: string };
  const run = agent.run(message, sessionId ? { sessionId } : {});
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'x-session-id': run.sessionId,
  });
  res.on('close', () => run.abort('client disconnected'));
  try {
    // Backpressure end to end: the run waits for the consumer, the consumer waits for the socket.
    for await (const event of run) {
      if (!res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)) {
        await new Promise((resolve) => res.once('drain', resolve));
      }
    }
  } catch (error) {
    res.write(`event: error\ndata: ${JSON.stringify({ message: (error as Error).message })}\n\n`);
  }
  res.end();
});

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/runs`, {
    method: 'POST',
    body: JSON.stringify({ message: 'Where is my order A-1001?' }),
  });
  const text = await response.text();
  for (const block of text.trim().split('\n\n')) console.log(block.split('\n')[0]);
  const end = text.split('\n\n').find((b) => b.startsWith('event: run-end'));
  console.log('final text:', end && JSON.parse(end.split('data: ')[1]!).result.text);
  server.close();
});

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
