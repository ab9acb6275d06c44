// A small log-linear histogram for latencies in integer microseconds.
// Recording is a few integer ops in JS (no native call per sample), which matters because the
// load generator records up to several hundred thousand deliveries per second on one core.
// Precision: exact below 128 µs, then 64 sub-buckets per power of two (≤1.6 % error).

const SUB = 64;
const LINEAR = 128;
const BUCKETS = LINEAR + 25 * SUB; // covers up to 2^31 µs (~35 min)

function bucketOf(v) {
  if (v < LINEAR) return v < 0 ? 0 : v;
  if (v >= 0x7fffffff) return BUCKETS - 1;
  const msb = 31 - Math.clz32(v);
  const shift = msb - 6;
  return LINEAR + (shift - 1) * SUB + ((v >>> shift) - SUB);
}

/** Upper bound (inclusive) of a bucket, so reported percentiles are never optimistic. */
function upperOf(i) {
  if (i < LINEAR) return i;
  const shift = Math.floor((i - LINEAR) / SUB) + 1;
  const m = (i - LINEAR) % SUB;
  return ((m + SUB + 1) << shift) - 1;
}

export class Histogram {
  constructor() {
    this.counts = new Float64Array(BUCKETS);
    this.n = 0;
    this.max = 0;
    this.sum = 0;
  }

  record(us) {
    const v = us | 0;
    this.counts[bucketOf(v)]++;
    this.n++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  reset() {
    this.counts.fill(0);
    this.n = 0;
    this.max = 0;
    this.sum = 0;
  }

  /** Add another histogram's samples to this one. */
  merge(other) {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.n += other.n;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
  }

  /** @param {number} p percentile in [0, 100] @returns {number} µs */
  percentile(p) {
    if (this.n === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(upperOf(i), this.max);
    }
    return this.max;
  }

  summary() {
    return {
      count: this.n,
      meanUs: this.n ? Math.round(this.sum / this.n) : 0,
      p50Us: this.percentile(50),
      p95Us: this.percentile(95),
      p99Us: this.percentile(99),
      maxUs: this.max,
    };
  }
}
