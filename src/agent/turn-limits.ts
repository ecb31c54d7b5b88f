/**
 * Limits on what one model turn may produce, enforced as the stream arrives: a model (or a proxy, or a
 * custom `LanguageModel`) that streams without end or nests its tool input absurdly deep gets a clear
 * finish reason or an error result, never an out-of-memory or a store failure that ends the run.
 */
import { ENTRY_ENVELOPE_DEPTH, MAX_JSON_DEPTH, measureJson, TOO_DEEP, TOO_LARGE } from '../internal/json-safe.js';
import { ConfigError } from '../errors/config-error.js';
import type { JsonValue } from '../model/message.js';
import { positiveInteger } from './config.js';

/** Default of `maxTurnOutputChars`: far above any real turn, far below what exhausts a process. */
export const DEFAULT_MAX_TURN_OUTPUT_CHARS = 1_000_000;
/** Default of `maxToolInputDepth`: no real tool schema nests this deep. */
export const DEFAULT_MAX_TOOL_INPUT_DEPTH = 64;
/** The deepest `maxToolInputDepth` allowed: an input this deep is still storable in every store. */
export const MAX_TOOL_INPUT_DEPTH = MAX_JSON_DEPTH - ENTRY_ENVELOPE_DEPTH;

/**
 * The `maxToolInputDepth` option, checked: a positive integer up to {@link MAX_TOOL_INPUT_DEPTH}.
 *
 * @throws ConfigError otherwise.
 */
export function toolInputDepth(value: number | undefined): number {
  const depth = positiveInteger('maxToolInputDepth', value, DEFAULT_MAX_TOOL_INPUT_DEPTH);
  if (depth > MAX_TOOL_INPUT_DEPTH) {
    throw new ConfigError(
      `maxToolInputDepth must be at most ${MAX_TOOL_INPUT_DEPTH} (deeper inputs cannot be stored), got ${depth}.`,
    );
  }
  return depth;
}

/**
 * What one turn streamed so far, in characters: text and reasoning deltas, and tool-call arguments
 * (counted once, whether a provider streams them as deltas or only sends the parsed input).
 */
export class TurnBudget {
  #text = 0;
  #reasoningDeltas = 0;
  #reasoningParts = 0;
  #argumentDeltas = 0;
  #inputs = 0;

  constructor(readonly maxChars: number) {}

  /** Characters used so far. */
  get used(): number {
    return (
      this.#text + Math.max(this.#reasoningDeltas, this.#reasoningParts) + Math.max(this.#argumentDeltas, this.#inputs)
    );
  }

  /** Characters past the cap (0 within it). */
  get overflow(): number {
    return Math.max(0, this.used - this.maxChars);
  }

  /**
   * Room for the next complete tool-call input. Arguments a provider already streamed as deltas do not
   * count against it: the input is those same characters, parsed.
   */
  get inputRoom(): number {
    return Math.max(
      0,
      this.maxChars - this.#text - Math.max(this.#reasoningDeltas, this.#reasoningParts) - this.#inputs,
    );
  }

  /** Counts a text delta; returns whether the turn is still within its cap. */
  text(chars: number): boolean {
    this.#text += chars;
    return this.used <= this.maxChars;
  }

  reasoningDelta(chars: number): boolean {
    this.#reasoningDeltas += chars;
    return this.used <= this.maxChars;
  }

  reasoningPart(chars: number): boolean {
    this.#reasoningParts += chars;
    return this.used <= this.maxChars;
  }

  argumentDelta(chars: number): boolean {
    this.#argumentDeltas += chars;
    return this.used <= this.maxChars;
  }

  input(chars: number): boolean {
    this.#inputs += chars;
    return this.used <= this.maxChars;
  }
}

/** A tool call's input, measured: its size, and why it cannot be used (as the model reads it), if so. */
export interface InputCheck {
  readonly chars: number;
  readonly problem?: string;
}

/**
 * Checks a tool call's input against the depth limit and the room left in the turn. A string (raw
 * arguments that were not JSON, or a JSON string) passes here: the tool step answers it with what it is.
 */
export function checkToolInput(name: string, input: unknown, maxDepth: number, maxChars: number): InputCheck {
  const measured = measureJson(input, maxDepth, maxChars);
  if (measured >= 0) return { chars: measured };
  if (measured === TOO_DEEP) {
    return {
      chars: 0,
      problem: `The input for "${name}" is nested more than ${maxDepth} levels deep, so it was not used (the stored call shows {} in its place). Send the arguments as a flatter JSON object that matches the tool's schema.`,
    };
  }
  if (measured === TOO_LARGE) {
    return {
      chars: maxChars + 1,
      problem: `The input for "${name}" is longer than the ${maxChars} characters left in this turn, so it was not used (the stored call shows {} in its place). Send smaller arguments, or split the work into several calls.`,
    };
  }
  return {
    chars: 0,
    problem: `The input for "${name}" is not plain JSON data (it holds a value JSON cannot carry), so it was not used (the stored call shows {} in its place). Send the arguments as one JSON object that matches the tool's schema.`,
  };
}

/** Whether opaque provider data can be stored as it is (plain JSON, within the stores' depth). */
export function storable(value: unknown, maxChars: number): value is Record<string, JsonValue> {
  return measureJson(value, MAX_TOOL_INPUT_DEPTH, maxChars) >= 0;
}
