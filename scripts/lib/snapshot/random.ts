// Seeded pseudo-random numbers for the demo generator: the same seed gives the same org.

/** sfc32, seeded through splitmix32 so that nearby seeds give unrelated streams. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Log-normal with the given median and spread (sigma of the underlying normal). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** Picks from [value, weight] pairs; build once, sample many times. */
export class Weighted<T> {
  private readonly values: T[];
  private readonly cumulative: number[];

  constructor(pairs: ReadonlyArray<readonly [T, number]>) {
    this.values = pairs.map(([v]) => v);
    let sum = 0;
    this.cumulative = pairs.map(([, w]) => (sum += w));
    this.cumulative = this.cumulative.map((c) => c / sum);
  }

  sample(rnd: Random): T {
    const u = rnd.next();
    const c = this.cumulative;
    for (let i = 0; i < c.length; i++) if (u < c[i]) return this.values[i];
    return this.values[this.values.length - 1];
  }
}
