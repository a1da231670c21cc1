/** Bytes of one revoked-jti record as loaded: the UUID's 16 bytes then its expiry (uint32 epoch seconds, big-endian). */
export const JTI_RECORD_BYTES = 20;
/** The same record in memory: four big-endian words of the UUID, then the expiry. */
const WORDS = 5;
/** Recent additions are kept in a Map and merged into the sorted array past this many. */
const MERGE_AT = 4096;
/** Buckets of the counting sort: the UUID's first 16 bits. */
const BUCKETS = 65_536;
/** Buckets up to this size are insertion-sorted in place; larger ones (skewed ids) by a comparison sort. */
const INSERTION_MAX = 48;

const HEX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID's 16 bytes (null when `uuid` is not one). */
export function uuidBytes(uuid: string): Uint8Array | null {
  if (!HEX.test(uuid)) return null;
  return Buffer.from(uuid.replaceAll('-', ''), 'hex');
}

/** A hex digit's value, -1 for anything else. */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** A UUID as four big-endian uint32 words (null when `uuid` is not one), in one pass without allocating strings. */
function uuidWords(uuid: string): [number, number, number, number] | null {
  if (uuid.length !== 36) return null;
  const words: [number, number, number, number] = [0, 0, 0, 0];
  let digit = 0;
  for (let i = 0; i < 36; i++) {
    const code = uuid.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 45) return null;
      continue;
    }
    const value = hexValue(code);
    if (value < 0) return null;
    const w = digit >>> 3;
    words[w] = words[w]! * 16 + value;
    digit++;
  }
  return words;
}

/** Compares record `i` of `a` with record `j` of `b` by their four UUID words. */
function compareRecords(a: Uint32Array, i: number, b: Uint32Array, j: number): number {
  const x = i * WORDS;
  const y = j * WORDS;
  for (let k = 0; k < 4; k++) {
    const d = a[x + k]! - b[y + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

function compareKey(records: Uint32Array, i: number, key: readonly number[]): number {
  const x = i * WORDS;
  for (let k = 0; k < 4; k++) {
    const d = records[x + k]! - key[k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** True when record `j` of `out` sorts after the UUID words `t0`…`t3`. */
function after(out: Uint32Array, j: number, t0: number, t1: number, t2: number, t3: number): boolean {
  const x = j * WORDS;
  if (out[x] !== t0) return out[x]! > t0;
  if (out[x + 1] !== t1) return out[x + 1]! > t1;
  if (out[x + 2] !== t2) return out[x + 2]! > t2;
  return out[x + 3]! > t3;
}

/** Sorts records [from, to) of `out` in place. */
function sortRange(out: Uint32Array, from: number, to: number): void {
  if (to - from <= INSERTION_MAX) {
    for (let i = from + 1; i < to; i++) {
      const b = i * WORDS;
      const t0 = out[b]!;
      const t1 = out[b + 1]!;
      const t2 = out[b + 2]!;
      const t3 = out[b + 3]!;
      const t4 = out[b + 4]!;
      let j = i - 1;
      while (j >= from && after(out, j, t0, t1, t2, t3)) j--;
      if (j + 1 === i) continue;
      const at = (j + 1) * WORDS;
      out.copyWithin(at + WORDS, at, b);
      out[at] = t0;
      out[at + 1] = t1;
      out[at + 2] = t2;
      out[at + 3] = t3;
      out[at + 4] = t4;
    }
    return;
  }
  const copy = out.slice(from * WORDS, to * WORDS);
  const order = Array.from({ length: to - from }, (_, i) => i).sort((i, j) => compareRecords(copy, i, copy, j));
  order.forEach((i, n) => out.set(copy.subarray(i * WORDS, i * WORDS + WORDS), (from + n) * WORDS));
}

/** Records per step of {@link sortSteps} between two yields (a few milliseconds of work). */
const STEP_RECORDS = 32_768;

/**
 * The sort of {@link sortJtiRecords} in steps: a counting sort on the first
 * 16 bits (random UUIDs spread evenly), then each bucket sorted on its own.
 * Yields between steps, so a caller can let other work run.
 */
function* sortSteps(records: Uint8Array): Generator<void, Uint32Array> {
  const count = Math.floor(records.length / JTI_RECORD_BYTES);
  const view = new DataView(records.buffer, records.byteOffset, count * JTI_RECORD_BYTES);
  const starts = new Uint32Array(BUCKETS + 1);
  const end = count * JTI_RECORD_BYTES;
  const step = STEP_RECORDS * JTI_RECORD_BYTES;
  for (let from = 0; from < end; from += step) {
    for (let at = from; at < Math.min(end, from + step); at += JTI_RECORD_BYTES) starts[((records[at]! << 8) | records[at + 1]!) + 1]!++;
    yield;
  }
  for (let b = 1; b <= BUCKETS; b++) starts[b]! += starts[b - 1]!;
  const next = starts.slice(0, BUCKETS);
  const out = new Uint32Array(count * WORDS);
  for (let from = 0; from < end; from += step) {
    for (let at = from; at < Math.min(end, from + step); at += JTI_RECORD_BYTES) {
      const o = next[(records[at]! << 8) | records[at + 1]!]!++ * WORDS;
      for (let k = 0; k < WORDS; k++) out[o + k] = view.getUint32(at + k * 4);
    }
    yield;
  }
  let sortedUpTo = 0;
  for (let b = 0; b < BUCKETS; b++) {
    if (starts[b + 1]! - starts[b]! > 1) sortRange(out, starts[b]!, starts[b + 1]!);
    if (starts[b + 1]! - sortedUpTo >= STEP_RECORDS) {
      sortedUpTo = starts[b + 1]!;
      yield;
    }
  }
  return out;
}

/** Builds the sorted in-memory array from loaded records in any order, in one go (~0.2 s for 1,000,000 records). */
function sortJtiRecords(records: Uint8Array): Uint32Array {
  const steps = sortSteps(records);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** {@link sortJtiRecords} yielding to the event loop between steps, so requests keep being served during a big load. */
async function sortJtiRecordsYielding(records: Uint8Array): Promise<Uint32Array> {
  if (records.length <= STEP_RECORDS * JTI_RECORD_BYTES) return sortJtiRecords(records);
  const steps = sortSteps(records);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Where each first-16-bit bucket starts in a sorted record array (256 KiB), so a lookup bisects one bucket only. */
function bucketStarts(sorted: Uint32Array): Uint32Array {
  const starts = new Uint32Array(BUCKETS + 1);
  for (let x = 0; x < sorted.length; x += WORDS) starts[(sorted[x]! >>> 16) + 1]!++;
  for (let b = 1; b <= BUCKETS; b++) starts[b]! += starts[b - 1]!;
  return starts;
}

/**
 * Unexpired revoked access-token ids, compactly: a sorted Uint32Array of
 * 20-byte records (UUID words, expiry) with a bucket index on the first 16
 * bits, searched by bisection within the bucket (a few cache lines per
 * lookup), plus a small map of recent additions merged in past
 * {@link MERGE_AT} or on {@link prune}.
 */
export class JtiSet {
  private sorted: Uint32Array = new Uint32Array(0);
  private starts: Uint32Array = new Uint32Array(BUCKETS + 1);
  private readonly recent = new Map<string, number>();

  /** Replaces the contents with loaded records (any order; see {@link JTI_RECORD_BYTES}). */
  replace(records: Uint8Array): void {
    this.use(sortJtiRecords(records));
    this.recent.clear();
  }

  /** {@link replace}, sorting in steps that let the event loop run; the contents change at once at the end. */
  async replaceYielding(records: Uint8Array): Promise<void> {
    const sorted = await sortJtiRecordsYielding(records);
    this.use(sorted);
    this.recent.clear();
  }

  private use(sorted: Uint32Array): void {
    this.sorted = sorted;
    this.starts = bucketStarts(sorted);
  }

  get size(): number {
    return this.sorted.length / WORDS + this.recent.size;
  }

  add(jti: string, expiresAtSeconds: number, nowSeconds: number): void {
    if (expiresAtSeconds <= nowSeconds || !HEX.test(jti)) return;
    this.recent.set(jti.toLowerCase(), expiresAtSeconds);
    if (this.recent.size >= MERGE_AT) this.merge(nowSeconds);
  }

  has(jti: string, nowSeconds: number): boolean {
    if (this.recent.size > 0) {
      const recent = this.recent.get(jti.toLowerCase());
      if (recent !== undefined) return recent > nowSeconds;
    }
    const key = uuidWords(jti);
    if (!key) return false;
    const records = this.sorted;
    const bucket = key[0] >>> 16;
    let lo = this.starts[bucket]!;
    let hi = this.starts[bucket + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const d = compareKey(records, mid, key);
      if (d === 0) return records[mid * WORDS + 4]! > nowSeconds;
      if (d < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Drops expired ids and merges the recent ones into the sorted array. */
  prune(nowSeconds: number): void {
    this.merge(nowSeconds);
  }

  private merge(nowSeconds: number): void {
    const added = new Uint32Array(this.recent.size * WORDS);
    let n = 0;
    for (const [jti, exp] of this.recent) {
      if (exp <= nowSeconds) continue;
      added.set([...uuidWords(jti)!, exp], n * WORDS);
      n++;
    }
    sortRange(added, 0, n);
    const old = this.sorted;
    const oldCount = old.length / WORDS;
    const out = new Uint32Array((oldCount + n) * WORDS);
    let o = 0;
    let i = 0;
    let j = 0;
    const push = (from: Uint32Array, index: number) => {
      for (let k = 0; k < WORDS; k++) out[o * WORDS + k] = from[index * WORDS + k]!;
      o++;
    };
    while (i < oldCount || j < n) {
      const d = i >= oldCount ? 1 : j >= n ? -1 : compareRecords(old, i, added, j);
      if (d <= 0) {
        if (d === 0) j++; // the same id twice: keep one (the later expiry is the loaded one's or equal)
        if (old[i * WORDS + 4]! > nowSeconds) push(old, i);
        i++;
      } else {
        push(added, j);
        j++;
      }
    }
    this.use(out.slice(0, o * WORDS));
    this.recent.clear();
  }
}
