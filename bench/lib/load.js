'use strict';
// autocannon wrapper. autocannon's own `duration` is whole seconds and its latency
// histogram has 1 ms resolution, so this wrapper bounds each run by `amount`
// (requests) AND by its own timer (instance.stop()), times the run itself and
// records every response's latency (float ms) for p50/p99.

const autocannon = require('autocannon');

const FORM = 'application/x-www-form-urlencoded';

/** Wraps a request's onResponse so every response is checked by `verify` (status and body shape). */
function instrument(opts, check) {
  const wrapRequest = (req) => {
    const inner = req.onResponse;
    return {
      ...req,
      onResponse(status, body, context, headers) {
        check(status, body, headers);
        if (inner) inner(status, body, context, headers);
      },
    };
  };
  const out = { ...opts };
  out.requests = (opts.requests || [{}]).map(wrapRequest);
  if (opts.setupClient) {
    const setup = opts.setupClient;
    out.setupClient = (client) => {
      const setRequests = client.setRequests.bind(client);
      client.setRequests = (reqs) => setRequests(reqs.map(wrapRequest));
      setup(client);
    };
  }
  return out;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/**
 * One bounded autocannon run.
 * @param {object} options  autocannon options from a scenario's setup() (url, method, headers, body,
 *                          setupClient, requests) plus `verify(status, body, headers) → boolean`, and optionally
 *                          `expectStatus` (a status other than 2xx every answer must have, e.g. 303 for a
 *                          redirect; then any other status counts as a failure) and `maxRequests` (the
 *                          scenario's own bound, e.g. the number of single-use requests it prepared)
 * @param {{connections:number, durationMs:number, maxRequests:number}} limits
 */
function runLoad(options, limits) {
  const { verify, expectStatus, maxRequests: scenarioMax, ...acOpts } = options;
  const amount = Math.min(limits.maxRequests, scenarioMax ?? Infinity);
  const latencies = new Float64Array(amount + limits.connections * 2);
  let n = 0;
  let mismatches = 0;
  let unexpected = 0;
  const samples = [];
  // autocannon hands the headers as sent (`Location`): lower-cased for a verify() that reads them (only then)
  const wantsHeaders = Boolean(verify && verify.length >= 3);
  const check = (status, body, raw) => {
    const headers = wantsHeaders ? Object.fromEntries(Object.entries(raw || {}).map(([k, v]) => [k.toLowerCase(), v])) : {};
    const statusOk = expectStatus ? status === expectStatus : status >= 200 && status < 300;
    const ok = statusOk && (!verify || verify(status, body, headers));
    if (!ok) {
      if (statusOk) mismatches++;
      else if (expectStatus) unexpected++;
      if (samples.length < 3) samples.push({ status, body: String(body).slice(0, 300), location: headers.location });
    }
  };
  const opts = instrument(
    {
      ...acOpts,
      connections: limits.connections,
      amount,
      sampleInt: 100, // how soon a stop() takes effect
      timeout: 30,
    },
    check,
  );
  return new Promise((resolve, reject) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let timer;
    const instance = autocannon(opts, (err, result) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      if (err) return reject(err);
      const lat = latencies.subarray(0, n).sort();
      const cpu = process.cpuUsage(cpu0);
      resolve({
        requests: n,
        wallMs,
        rps: n / (wallMs / 1000),
        ok2xx: result['2xx'],
        // with `expectStatus`, the answers that had another status (autocannon counts a 303 as non-2xx)
        non2xx: expectStatus ? unexpected : result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        mismatches,
        statusCodes: result.statusCodeStats,
        latencyMs: {
          p50: percentile(lat, 50),
          p90: percentile(lat, 90),
          p99: percentile(lat, 99),
          max: n ? lat[n - 1] : null,
          mean: n ? lat.reduce((s, v) => s + v, 0) / n : null,
        },
        failureSamples: samples,
        loadGeneratorCpuUsPerRequest: n ? (cpu.user + cpu.system) / n : null,
      });
    });
    instance.on('response', (client, status, bytes, responseTime) => {
      if (n < latencies.length) latencies[n++] = responseTime;
    });
    timer = setTimeout(() => instance.stop(), limits.durationMs);
  });
}

module.exports = { runLoad, FORM };
