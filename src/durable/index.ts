/**
 * `icode/durable`: durable agent runs on DBOS (`@dbos-inc/dbos-sdk`, an optional peer) over Postgres.
 * Runs survive the death of their worker, queue across workers with fleet-wide limits, wait for approvals
 * from any process, and run on cron schedules once per tick across the fleet.
 *
 * @packageDocumentation
 */
export { durableAgent } from './durable-agent.js';
export type {
  DurableAgent,
  DurableAgentOptions,
  DurableQueueOptions,
  DurableResumeOptions,
  DurableRunHandle,
  DurableRunOptions,
  FiringContext,
  RateLimit,
  RunArgs,
} from './durable-agent.js';
export type { DurableRunResult } from './run-result.js';
export { approveRun, APPROVAL_TOPIC, SESSION_ATTRIBUTE } from './approvals.js';
export type { ApprovalSender } from './approvals.js';
export { scheduleAgent, listAgentSchedules, unscheduleAgent } from './schedule.js';
export type { AgentSchedule, ScheduleAgentOptions } from './schedule.js';
export { cronTools } from './cron-tools.js';
export type { CronToolsOptions } from './cron-tools.js';
export { followSession, followRun } from './follow-session.js';
export type { FollowSessionOptions } from './follow-session.js';
