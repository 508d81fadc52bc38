/**
 * Fault injection for the simulated account: throttling at a rate, scripted failures of chosen
 * operations, and latency. Randomness comes from a seeded generator so a failing scenario replays
 * exactly.
 */
import type { SimService } from './types';

/** An error the simulated service should raise instead of answering. */
export interface InjectedError {
  code: string;
  message: string;
  status?: number;
}

interface Rule {
  service?: SimService;
  ops?: readonly string[];
  /** Probability (0-1) that a matching call fails; omitted means every matching call. */
  rate?: number;
  /** How many more times the rule may fire; omitted means unlimited. */
  times?: number;
  when?: (input: any) => boolean;
  error: InjectedError;
}

/** mulberry32: small, fast, good enough to make fault schedules reproducible. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private rules: Rule[] = [];
  private latencies: { service?: SimService; ms: number; jitterMs?: number }[] = [];
  private random: () => number;

  constructor(seed = 1) {
    this.random = seeded(seed);
  }

  /**
   * Throttle a fraction of calls the way the service does ("Rate exceeded" as `Throttling`;
   * EC2 says `RequestLimitExceeded`, SSM `ThrottlingException`).
   */
  throttle(opts: { service?: SimService; ops?: readonly string[]; rate: number; times?: number }): this {
    const code = opts.service === 'ec2' ? 'RequestLimitExceeded' : opts.service === 'ssm' ? 'ThrottlingException' : 'Throttling';
    this.rules.push({ ...opts, error: { code, message: 'Rate exceeded', status: 400 } });
    return this;
  }

  /** Make matching calls fail with `error` (every time, `times` times, or at `rate`). */
  fail(opts: Omit<Rule, 'error'> & { error: InjectedError }): this {
    this.rules.push(opts);
    return this;
  }

  /** Add real wall-clock latency (plus seeded random jitter) to every call of a service (or all). */
  latency(opts: { service?: SimService; ms: number; jitterMs?: number }): this {
    this.latencies.push(opts);
    return this;
  }

  clear(): void {
    this.rules = [];
    this.latencies = [];
  }

  /** The injected error for this call, if any rule fires. */
  check(service: SimService, op: string, input: unknown): InjectedError | undefined {
    for (const rule of this.rules) {
      if (rule.service && rule.service !== service) continue;
      if (rule.ops && !rule.ops.includes(op)) continue;
      if (rule.times !== undefined && rule.times <= 0) continue;
      if (rule.when && !rule.when(input)) continue;
      if (rule.rate !== undefined && this.random() >= rule.rate) continue;
      if (rule.times !== undefined) rule.times -= 1;
      return rule.error;
    }
    return undefined;
  }

  delayFor(service: SimService): number {
    return this.latencies.filter((l) => !l.service || l.service === service).reduce((a, l) => a + l.ms + (l.jitterMs ? this.random() * l.jitterMs : 0), 0);
  }
}
