/**
 * The switch that keeps a test suite off the real model APIs: every adapter asks {@link checkModelRequest}
 * before it opens a connection. Runtime-neutral (no Node module), so the adapters and the root entry stay
 * usable anywhere; the state lives on `globalThis`, so two copies of the package share one switch.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import { envVar } from './load-sdk.js';

/** How model requests are refused; `undefined` state means "as `ICODE_ALLOW_MODEL_REQUESTS` says". */
export interface ModelRequestRule {
  /** Requests to 127.0.0.0/8, `::1` and `localhost` go through. @defaultValue true */
  readonly allowLoopback?: boolean;
  /** Hosts (`api.example.com`, or `host:port`) whose requests go through. */
  readonly allowHosts?: readonly string[];
}

interface Gate {
  /** `'allow'`, a rule, or `undefined` for the environment variable's word. */
  setting: 'allow' | ModelRequestRule | undefined;
  /** Hooks that let a request through whatever the setting (a cassette answers it, not the network). */
  readonly passes: Set<(url: URL) => boolean>;
}

const GATE = Symbol.for('icode.modelRequests');

function gate(): Gate {
  const holder = globalThis as { [GATE]?: Gate };
  return (holder[GATE] ??= { setting: undefined, passes: new Set() });
}

/**
 * A model request refused because model requests are disallowed ({@link checkModelRequest}): thrown by an
 * adapter before it opens a connection. Code `CONFIG_INVALID`, never retried.
 *
 * @example
 * ```ts
 * await expect(agent.run('Hi').result).rejects.toThrow(ModelRequestsDisallowedError);
 * ```
 */
export class ModelRequestsDisallowedError extends ConfigError {
  static override readonly brand: symbol = Symbol.for('icode.error.ModelRequestsDisallowedError');
  /** The provider whose call was refused. */
  readonly provider: string;
  /** Where the request would have gone (origin only: never a path or a key). */
  readonly target: string;

  constructor(provider: string, target: string) {
    super(
      `${provider}: model requests are disallowed here (disallowModelRequests() or ICODE_ALLOW_MODEL_REQUESTS=false), ` +
        `so the call to ${target} was not made. Use mockProvider(), autoModel() or a cassette in tests, ` +
        'or allowModelRequests() where a real call is meant.',
    );
    this.provider = provider;
    this.target = target;
  }
}

/** Replaces the setting; returns a function that puts the previous one back. */
export function setModelRequestSetting(setting: 'allow' | ModelRequestRule | undefined): () => void {
  const state = gate();
  const previous = state.setting;
  state.setting = setting;
  return () => {
    state.setting = previous;
  };
}

/** Lets the requests `pass` accepts through until the returned function is called. */
export function addModelRequestPass(pass: (url: URL) => boolean): () => void {
  const { passes } = gate();
  passes.add(pass);
  return () => {
    passes.delete(pass);
  };
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The rule in force, or `undefined` when requests are allowed. */
function activeRule(): ModelRequestRule | undefined {
  const { setting } = gate();
  if (setting === 'allow') return undefined;
  if (setting !== undefined) return setting;
  const word = envVar('ICODE_ALLOW_MODEL_REQUESTS')?.toLowerCase();
  return word === 'false' || word === '0' || word === 'no' ? {} : undefined;
}

/** Whether a model request to `target` (a base URL) may be made now. */
export function modelRequestAllowed(target: string): boolean {
  const rule = activeRule();
  if (rule === undefined) return true;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if ((rule.allowLoopback ?? true) && isLoopback(url.hostname)) return true;
  if (rule.allowHosts?.some((host) => host.toLowerCase() === url.host || host.toLowerCase() === url.hostname)) {
    return true;
  }
  return [...gate().passes].some((pass) => pass(url));
}

/**
 * Throws {@link ModelRequestsDisallowedError} when a model request to `target` is not allowed now. Every
 * adapter calls it before it opens a connection.
 */
export function checkModelRequest(provider: string, target: string): void {
  if (modelRequestAllowed(target)) return;
  let origin = target;
  try {
    origin = new URL(target).origin;
  } catch {
    // Not a URL: named as given (an adapter's base URL never carries a key).
  }
  throw new ModelRequestsDisallowedError(provider, origin);
}
