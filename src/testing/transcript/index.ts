export { captureRunMessages } from './capture.js';
export type { CapturedRun } from './capture.js';
export { formatTranscript } from './format-transcript.js';
export type { TranscriptOptions } from './format-transcript.js';
export type { RunLike } from './run-view.js';
export type { Equals, MatcherResult } from './matchers.js';
