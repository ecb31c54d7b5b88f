/**
 * Tracing: an agent's runs exported as OpenTelemetry spans to an OTLP collector. The collector here is a
 * tiny local HTTP server that prints the spans it receives, so the example runs offline on the mock model;
 * point `url` at your collector (Jaeger, Tempo, Honeycomb, …) in a real service.
 *
 *   npx tsx examples/otel-tracing.ts
 */
import { createServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createAgent } from 'icode';
import { withTracing } from 'icode/otel';
import { mockProvider } from 'icode/testing';
import { codingTools } from 'icode/tools';

// A stand-in collector: OTLP/HTTP with JSON bodies, as the exporter sends them.
interface OtlpSpan {
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}
const collector = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const { resourceSpans } = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
    for (const span of resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))) {
      const tokens = span.attributes.find((a) => a.key === 'gen_ai.usage.output_tokens')?.value.intValue;
      console.log(`collector <- ${span.name}${tokens !== undefined ? ` (output tokens: ${String(tokens)})` : ''}`);
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;

const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
});

const root = await mkdtemp(join(tmpdir(), 'icode-otel-'));
await writeFile(join(root, 'TODO.md'), '- ship the tracing example\n');
const agent = createAgent(
  withTracing(
    {
      provider: mockProvider([
        { toolCalls: [{ name: 'read', input: { file_path: 'TODO.md' } }] },
        { text: 'One item left: ship the tracing example.' },
      ]),
      name: 'planner',
      tools: codingTools({ root }),
      policy: { root },
    },
    { tracer: tracerProvider.getTracer('icode-example') },
  ),
);

const { text } = await agent.run('What is left to do?').result;
console.log(`agent: ${text}`);
await tracerProvider.forceFlush();
await tracerProvider.shutdown();
collector.close();
await rm(root, { recursive: true, force: true });
