/**
 * Lambda as serverless.yml deploys each function, for the benchmarks: asynchronous invocations
 * (SNS, EventBridge and the schedule invoke asynchronously), reserved concurrency, a cold start
 * for each new execution environment, the timeout, and the retries.
 *
 * Modelled on Lambda's documented behaviour:
 * - an invocation that finds no free concurrency is throttled and retried by Lambda "for up to 6
 *   hours", the interval growing exponentially from 1 s to at most 5 minutes (jittered here);
 * - an invocation that fails or times out is retried `retries` times (1 min, then 2 min later);
 * - a timed-out environment is frozen: nothing it still does reaches AWS (the account's
 *   `beforeCall` refuses it), and it is not reused.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';

export interface LambdaSpec {
  name: string;
  /** Reserved concurrency (null: unreserved, taken as unlimited here). */
  concurrency: number | null;
  timeoutMs: number;
  /** `maximumRetryAttempts` for failed invocations. */
  retries: number;
  /** Module load and init of a new execution environment (measured: npm run bench:bundle). */
  coldStartMs: number;
  handler: (event: unknown, context: Context) => Promise<unknown>;
  /** A deterministic source in [0, 1) for the jitter of throttling retries. */
  random: () => number;
}

interface Invocation {
  readonly fn: string;
  dead: boolean;
}

const current = new AsyncLocalStorage<Invocation>();

/** The function whose invocation the calling code runs in (diagnostics). */
export function currentFunction(): string | undefined {
  return current.getStore()?.fn;
}

/** Throws when the calling code runs in a timed-out (frozen) invocation: wire it to the account's beforeCall. */
export function refuseFrozen(): void {
  const inv = current.getStore();
  if (inv?.dead) throw new Error(`${inv.fn}: the invocation timed out; its environment is frozen`);
}

export interface InvocationRecord {
  fn: string;
  startMs: number;
  endMs: number;
  cold: boolean;
  outcome: 'ok' | 'error' | 'timeout';
  error?: string;
  attempt: number;
}

export class LambdaFunction {
  readonly invocations: InvocationRecord[] = [];
  /** Throttled invocation attempts (each retried later by Lambda). */
  throttles = 0;
  private running = 0;
  private warm = 0;
  private pendingRetries = 0;

  constructor(private readonly spec: LambdaSpec) {}

  /** Invoked asynchronously (SNS, EventBridge, the schedule): queued, throttled and retried as Lambda does. */
  invokeAsync(event: unknown): void {
    this.attempt(event, 0, 0);
  }

  /** True while an invocation runs or a retry is pending. */
  busy(): boolean {
    return this.running > 0 || this.pendingRetries > 0;
  }

  private attempt(event: unknown, failures: number, throttled: number): void {
    if (this.spec.concurrency !== null && this.running >= this.spec.concurrency) {
      this.throttles += 1;
      const base = Math.min(300_000, 1000 * 2 ** throttled);
      this.later(base * (0.5 + this.spec.random() / 2), () => this.attempt(event, failures, throttled + 1));
      return;
    }
    void this.run(event, failures);
  }

  private later(ms: number, fn: () => void): void {
    this.pendingRetries += 1;
    setTimeout(() => {
      this.pendingRetries -= 1;
      fn();
    }, ms);
  }

  private async run(event: unknown, failures: number): Promise<void> {
    this.running += 1;
    const cold = this.warm === 0;
    if (!cold) this.warm -= 1;
    const startMs = Date.now();
    if (cold) await sleep(this.spec.coldStartMs);
    const inv: Invocation = { fn: this.spec.name, dead: false };
    const deadline = startMs + this.spec.timeoutMs;
    const context = lambdaContext(this.spec.name, deadline);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
    });
    let outcome: InvocationRecord['outcome'] = 'ok';
    let error: string | undefined;
    try {
      const r = await Promise.race([current.run(inv, () => this.spec.handler(event, context)), timedOut]);
      if (r === 'timeout') outcome = 'timeout';
    } catch (err) {
      outcome = 'error';
      error = (err as Error).message;
    } finally {
      clearTimeout(timer);
    }
    if (outcome === 'timeout') inv.dead = true;
    else this.warm += 1; // a frozen environment is not reused
    this.invocations.push({ fn: this.spec.name, startMs, endMs: Date.now(), cold, outcome, attempt: failures, ...(error ? { error } : {}) });
    this.running -= 1;
    if (outcome !== 'ok' && failures < this.spec.retries) this.later(failures === 0 ? 60_000 : 120_000, () => this.attempt(event, failures + 1, 0));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function lambdaContext(name: string, deadline: number): Context {
  return {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: `bench-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  } as Context;
}
