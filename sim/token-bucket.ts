/**
 * A token bucket of the kind AWS documents for its API rate limits: it holds at most `capacity`
 * tokens (the burst), refills continuously at `refillPerSecond`, and a request that finds too few
 * tokens is rejected. Time comes from an injected clock (milliseconds) so tests can move it by hand.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly clock: () => number,
  ) {
    this.tokens = capacity;
    this.last = clock();
  }

  /** Tokens available now (fractional while refilling). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** True when `cost` tokens are available now; takes nothing. */
  canTake(cost = 1): boolean {
    // Refills arrive in many small fractions; without the epsilon, a token that is due exactly
    // now can read as 0.9999999 and throttle a call the real bucket would admit.
    return this.available() + 1e-9 >= cost;
  }

  /** Takes `cost` tokens if they are available; false (and nothing taken) otherwise. */
  tryTake(cost = 1): boolean {
    if (!this.canTake(cost)) return false;
    this.tokens -= cost;
    return true;
  }

  /** Takes `cost` tokens unconditionally; callers check `canTake` on every bucket first. */
  take(cost = 1): void {
    this.refill();
    this.tokens -= cost;
  }

  private refill(): void {
    const now = this.clock();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.refillPerSecond);
    this.last = now;
  }
}
