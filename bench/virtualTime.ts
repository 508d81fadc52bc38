/**
 * Virtual time for the benchmarks: every timer in the process (the simulated latency of each AWS
 * call, the SDK's retry back-off and client-side rate limiter, Lambda timeouts, the schedule) and
 * `Date` run on a fake clock that jumps from one timer to the next. Hours of a scale-out run in
 * seconds, and the figures are what the timers add up to, not how fast this machine computes
 * (compute between AWS calls is taken as instantaneous: latency dominates it by far).
 */
import FakeTimers, { type InstalledClock } from '@sinonjs/fake-timers';

export const START_MS = Date.parse('2026-11-22T10:00:00Z');

export class VirtualTime {
  private readonly clock: InstalledClock;
  /** Timers fired so far (a measure of the simulation's own work). */
  steps = 0;

  constructor(startMs = START_MS) {
    // performance, nextTick, queueMicrotask and setImmediate stay real: promise chains and I/O run
    // between two timers, which is what lets a whole async call chain settle at one instant.
    this.clock = FakeTimers.install({ now: startMs, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], loopLimit: 10_000_000 });
    // Node runs a delay below 1 ms as 1 ms; the fake clock would fire it without moving time, and
    // a loop that waits for time to pass (the SDK's adaptive rate limiter) would never end.
    const fake = globalThis.setTimeout;
    const clamped = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => fake(fn, Math.max(1, Number(ms) || 0), ...args);
    globalThis.setTimeout = Object.assign(clamped, fake) as typeof setTimeout;
  }

  now(): number {
    return this.clock.now;
  }

  /**
   * Runs timers in order until `done()` holds, no timer is left, or `untilMs` is reached.
   * @returns the virtual time it stopped at
   */
  async run(done: () => boolean, untilMs: number): Promise<number> {
    while (!done() && this.clock.now < untilMs) {
      if (this.clock.countTimers() === 0) {
        // Nothing scheduled: let pending promise chains settle, then look again.
        await new Promise((r) => setImmediate(r));
        if (this.clock.countTimers() === 0) break;
        continue;
      }
      // Fire the next timer, then let every promise chain it woke settle (setImmediate runs after
      // all microtasks; fake-timers' own nextAsync waits a real setTimeout, 1 ms, per timer).
      this.clock.next();
      this.steps += 1;
      await new Promise((r) => setImmediate(r));
    }
    return this.clock.now;
  }

  uninstall(): void {
    this.clock.uninstall();
  }
}
