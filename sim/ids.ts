/** Deterministic AWS-looking identifiers, so a seeded scenario prints the same ids every run. */
export class IdGen {
  private n = 0;
  constructor(private readonly seed: number) {}

  private hex(len: number): string {
    this.n += 1;
    let x = (this.seed * 2654435761 + this.n * 40503) >>> 0;
    let out = '';
    while (out.length < len) {
      x = (Math.imul(x ^ (x >>> 13), 0x5bd1e995) + this.n) >>> 0;
      out += x.toString(16).padStart(8, '0');
    }
    return out.slice(0, len);
  }

  instanceId(): string {
    return `i-0${this.hex(16)}`;
  }

  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  prefixed(prefix: string, len: number): string {
    return `${prefix}${this.hex(len)}`;
  }
}
