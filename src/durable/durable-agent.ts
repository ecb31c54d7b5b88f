/**
 * `durableAgent`: each run of an agent as a DBOS workflow, each model call and each tool call a step.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { DBOS } from '@dbos-inc/dbos-sdk';
import { createAgent } from '../agent/create-agent.js';
import { configOf } from '../agent/subagent/agent-registry.js';
import type { Agent, ResumeAnswer } from '../agent/types.js';
import type { RunInput } from '../agent/run-input.js';
import { ConfigError } from '../errors/config-error.js';
import type { ModelRequest } from '../model/language-model.js';
import type { SessionStore } from '../stores/types.js';
import { collectTurn, durableModel, type DurableCall, type RecordedTurn } from './durable-model.js';
import { durableTool } from './durable-tools.js';
import { replayStore } from './replay-store.js';
import { summarize, type DurableRunResult } from './run-result.js';
import { APPROVAL_TOPIC, SESSION_ATTRIBUTE } from './approvals.js';
import { registerFiring } from './schedule-registry.js';

/** A DBOS queue's rate limit: at most `limitPerPeriod` starts per `periodSec` seconds, across all workers. */
export interface RateLimit {
  readonly limitPerPeriod: number;
  readonly periodSec: number;
}

/** The DBOS queue `enqueueRun` puts runs on. */
export interface DurableQueueOptions {
  /** @defaultValue `icode-runs-<agent name>` */
  readonly name?: string;
  /** Runs one worker process executes at once. */
  readonly workerConcurrency?: number;
  /** Runs executing at once across all workers. */
  readonly concurrency?: number;
  /** Run starts per period, across all workers. */
  readonly rateLimit?: RateLimit;
}

/** Options of {@link durableAgent}. */
export interface DurableAgentOptions {
  /** The `DBOS` class to register on (the one your service configures and launches). @defaultValue the installed one */
  readonly dbos?: typeof DBOS;
  /** Names the workflows; equal on every worker. @defaultValue the agent's name */
  readonly name?: string;
  /** The queue of {@link DurableAgent.enqueueRun}. */
  readonly queue?: DurableQueueOptions;
  /**
   * Model calls per period to the agent's provider, across all workers: each model call then runs as a
   * child workflow on the queue `icode-model-<provider>`, whose DBOS rate limit holds fleet-wide.
   */
  readonly modelRateLimit?: RateLimit;
  /** How long a paused run waits for {@link approveRun} before it ends as `paused`. @defaultValue 7 days */
  readonly approvalTimeoutSeconds?: number;
  /** How often idle workers poll the queues, in ms (DBOS's default is 1000). @defaultValue 200 */
  readonly pollingIntervalMs?: number;
}

/** Options of a durable run. */
export interface DurableRunOptions {
  /** The session to continue or create. @defaultValue a new id */
  readonly sessionId?: string;
  /** The run's workflow id: starting a run with an id already used returns that run. @defaultValue a new id */
  readonly runId?: string;
  readonly maxTurns?: number;
}

/** Options of {@link DurableAgent.resume}. */
export interface DurableResumeOptions {
  readonly runId?: string;
  readonly approvals?: Readonly<Record<string, ResumeAnswer>>;
  readonly maxTurns?: number;
}

/** A started durable run. */
export interface DurableRunHandle {
  /** The DBOS workflow id: give it to {@link approveRun} or `DBOS.retrieveWorkflow`. */
  readonly runId: string;
  readonly sessionId: string;
  /** Waits for the run to end, wherever it runs. */
  result(): Promise<DurableRunResult>;
}

/** An agent whose runs are DBOS workflows. */
export interface DurableAgent {
  readonly name: string;
  /** The agent's runs are made from. */
  readonly agent: Agent;
  /** Registers the queues in the system database; call it after `DBOS.launch()` on every worker. */
  ready(): Promise<void>;
  /** Starts a run in this process (it is recovered by any worker if this process dies). */
  run(input: RunInput, options?: DurableRunOptions): Promise<DurableRunHandle>;
  /** Puts a run on the queue: whichever worker has a free slot runs it. */
  enqueueRun(input: RunInput, options?: DurableRunOptions): Promise<DurableRunHandle>;
  /** Continues a stored session (paused or interrupted) as a durable run. */
  resume(sessionId: string, options?: DurableResumeOptions): Promise<DurableRunHandle>;
  /** The workflow body, for workflows of your own (a scheduled firing runs it). Call it inside a workflow. */
  runInWorkflow(args: RunArgs): Promise<DurableRunResult>;
}

/** What a run workflow is called with: plain JSON, as DBOS stores it. */
export interface RunArgs {
  readonly sessionId: string;
  readonly input?: RunInput;
  readonly approvals?: Readonly<Record<string, ResumeAnswer>>;
  readonly maxTurns?: number;
}

/** What a schedule stores for each firing. */
export interface FiringContext {
  readonly id: string;
  readonly input: RunInput;
}

const DEFAULT_APPROVAL_TIMEOUT_S = 7 * 24 * 3600;

/** The version the session has before this run: recorded, so a recovered execution starts from it too. */
async function beginSession(store: SessionStore, sessionId: string): Promise<number> {
  const info = await store.get(sessionId);
  if (info) return info.version;
  try {
    await store.create({ id: sessionId });
  } catch (error) {
    // Another execution created it between the two calls; anything else is a real failure.
    if (!(await store.get(sessionId))) throw error;
  }
  return 0;
}

/**
 * Makes `agent`'s runs durable with DBOS: each `run`, `enqueueRun` or `resume` is a workflow, each model
 * call and each tool call a step of it. A run whose worker dies is recovered (by the same executor id
 * restarting, or by DBOS's recovery on another worker) and continues where it was: completed model calls
 * are replayed from their record, not made again; completed tool calls are not run again; a tool call that
 * was running is answered as interrupted. Call it on every worker, with the same name, before
 * `DBOS.launch()`; the agent's store must be one all workers share (Postgres).
 *
 * @throws ConfigError for an agent not made by `createAgent`, or one with toolsets (their tools change
 *   from run to run, so recorded calls could not be matched).
 * @example
 * ```ts
 * import { DBOS } from '@dbos-inc/dbos-sdk';
 * import { durableAgent } from 'icode/durable';
 *
 * const triage = durableAgent(agent, { queue: { workerConcurrency: 4 }, modelRateLimit: { limitPerPeriod: 50, periodSec: 60 } });
 * DBOS.setConfig({ name: 'triage', systemDatabaseUrl: process.env.DATABASE_URL });
 * await DBOS.launch();
 * await triage.ready();
 * const run = await triage.enqueueRun('Triage issue #12');
 * console.log((await run.result()).text);
 * ```
 */
export function durableAgent(agent: Agent, options: DurableAgentOptions = {}): DurableAgent {
  const config = configOf(agent, 'durableAgent');
  if (config.toolsets)
    throw new ConfigError('durableAgent does not take agents with toolsets: give their tools as tools.');
  const dbos = options.dbos ?? DBOS;
  const name = options.name ?? config.name;
  const queueName = options.queue?.name ?? `icode-runs-${name}`;
  const modelQueue = `icode-model-${config.options.provider.provider}`;
  const polling = options.pollingIntervalMs ?? 200;
  const timeoutSeconds = options.approvalTimeoutSeconds ?? DEFAULT_APPROVAL_TIMEOUT_S;

  const modelWorkflow = dbos.registerWorkflow(
    (request: ModelRequest): Promise<RecordedTurn> =>
      dbos.runStep(() => collectTurn(config.options.provider, request), { name: 'icode.model' }),
    { name: `icode.model.${name}` },
  );
  const modelCall: DurableCall = options.modelRateLimit
    ? async (request) => {
        // The call may run on another worker: its result is polled for at the queue's pace.
        const child = await dbos.startWorkflow(modelWorkflow, { queueName: modelQueue })(request);
        return child.getResult({ pollingIntervalMs: polling });
      }
    : (request, signal) =>
        dbos.runStep(() => collectTurn(config.options.provider, request, signal), { name: 'icode.model' });

  async function runInWorkflow(args: RunArgs): Promise<DurableRunResult> {
    const { sessionId } = args;
    const base = await dbos.runStep(() => beginSession(config.store, sessionId), { name: 'icode.begin' });
    // Fresh for each execution of the workflow: tells a call this execution started from one a dead one did.
    const execution = randomUUID();
    const run = createAgent({
      ...config.options,
      provider: durableModel(config.options.provider, modelCall),
      tools: [...config.tools.values()].map((tool) => durableTool(tool, dbos, execution)),
      store: replayStore(config.store, sessionId, base),
    });
    try {
      const maxTurns = args.maxTurns !== undefined ? { maxTurns: args.maxTurns } : {};
      let result =
        args.input !== undefined
          ? await run.run(args.input, { sessionId, ...maxTurns }).result
          : await run.resume(sessionId, { ...maxTurns, ...(args.approvals ? { approvals: args.approvals } : {}) })
              .result;
      while (result.status === 'paused') {
        const approvals = await dbos.recv<Record<string, ResumeAnswer>>(APPROVAL_TOPIC, { timeoutSeconds });
        if (approvals === null) break;
        result = await run.resume(sessionId, { approvals, ...maxTurns }).result;
      }
      return summarize(result);
    } finally {
      await run.close();
    }
  }

  const runWorkflow = dbos.registerWorkflow(runInWorkflow, { name: `icode.run.${name}` });

  async function start(args: RunArgs, runId: string, queue?: string): Promise<DurableRunHandle> {
    const handle = await dbos.startWorkflow(runWorkflow, {
      workflowID: runId,
      // Lets approveRun find a paused run by its session.
      workflowAttributes: { [SESSION_ATTRIBUTE]: args.sessionId },
      ...(queue ? { queueName: queue } : {}),
    })(args);
    // A run started here is awaited in memory; an enqueued one is polled for, at the queue's pace.
    return { runId, sessionId: args.sessionId, result: () => handle.getResult({ pollingIntervalMs: polling }) };
  }

  const argsOf = (input: RunInput, o: DurableRunOptions): RunArgs => ({
    sessionId: o.sessionId ?? randomUUID(),
    input,
    ...(o.maxTurns !== undefined ? { maxTurns: o.maxTurns } : {}),
  });

  // One firing of a schedule (see scheduleAgent): its own session, named after the schedule and the tick.
  const firing = dbos.registerWorkflow(
    async (scheduledAt: Date, context: FiringContext): Promise<void> => {
      await runInWorkflow({ sessionId: `${context.id}-${scheduledAt.toISOString()}`, input: context.input });
    },
    { name: `icode.scheduled.${name}` },
  );

  const durable: DurableAgent = {
    name,
    agent,
    async ready() {
      const { workerConcurrency, concurrency, rateLimit } = options.queue ?? {};
      await dbos.registerQueue(queueName, {
        minPollingIntervalMs: polling,
        onConflict: 'always_update',
        ...(workerConcurrency !== undefined ? { workerConcurrency } : {}),
        ...(concurrency !== undefined ? { globalConcurrency: concurrency } : {}),
        ...(rateLimit ? { rateLimit } : {}),
      });
      if (options.modelRateLimit) {
        await dbos.registerQueue(modelQueue, {
          minPollingIntervalMs: polling,
          onConflict: 'always_update',
          rateLimit: options.modelRateLimit,
        });
      }
    },
    run: (input, o = {}) => start(argsOf(input, o), o.runId ?? randomUUID()),
    enqueueRun: (input, o = {}) => start(argsOf(input, o), o.runId ?? randomUUID(), queueName),
    resume: (sessionId, o = {}) =>
      start(
        {
          sessionId,
          ...(o.approvals ? { approvals: o.approvals } : {}),
          ...(o.maxTurns !== undefined ? { maxTurns: o.maxTurns } : {}),
        },
        o.runId ?? randomUUID(),
      ),
    runInWorkflow,
  };
  registerFiring(durable, firing);
  return durable;
}
