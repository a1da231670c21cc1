'use strict';
// What the soak saw: every answer by kind and status, classified against the
// outage window, plus the promises it checks at the end.

class Ledger {
  constructor(clock = () => Date.now()) {
    this.clock = clock;
    this.started = clock();
    this.outage = null; // { from, to } in ms since start, `to` set when PostgreSQL is back
    this.recoveryGraceMs = 5000;
    this.counts = new Map(); // `${kind} ${status}` -> n
    this.unexpected = []; // { t, kind, status, detail }
    this.violations = []; // broken promises: lost revocation, lost secret, refresh chain errors
  }

  now() {
    return this.clock() - this.started;
  }

  inOutageWindow(t) {
    if (!this.outage) return false;
    const end = this.outage.to === undefined ? Infinity : this.outage.to + this.recoveryGraceMs;
    return t >= this.outage.from && t <= end;
  }

  /** Records one answer; `status` 0 means a network error. Returns the classification. */
  record(kind, status, detail) {
    const t = this.now();
    const key = `${kind} ${status}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    const serverFault = status === 0 || status >= 500;
    if (!serverFault) return 'ok';
    // During the outage only 503 (temporarily_unavailable) is an honest answer.
    if (this.inOutageWindow(t) && status === 503) return 'outage';
    this.unexpected.push({ t, kind, status, detail: String(detail ?? '').slice(0, 200) });
    return 'unexpected';
  }

  violate(what, detail) {
    this.violations.push({ t: this.now(), what, detail: String(detail ?? '').slice(0, 300) });
  }

  total(kind) {
    let n = 0;
    for (const [key, value] of this.counts) if (key.startsWith(`${kind} `)) n += value;
    return n;
  }
}

module.exports = { Ledger };
