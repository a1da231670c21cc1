'use strict';
// Table printing.

const fmt = (v, d = 0) =>
  v === null || v === undefined || Number.isNaN(v)
    ? '—'
    : Number(v).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const fmtMs = (v) => (v === null || v === undefined ? '—' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));

function table(headers, rows, align) {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const pad = (s, i) => (align[i] === 'r' ? s.padStart(widths[i]) : s.padEnd(widths[i]));
  const line = (r) => `| ${r.map(pad).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (align[i] === 'r' ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), sep, ...cells.map(line)].join('\n');
}

function resultsTable(rows) {
  const headers = [
    'scenario',
    'workers',
    'data',
    'req/s',
    'p50 ms',
    'p99 ms',
    'non-2xx',
    'server CPU µs/req',
    'PG CPU µs/req',
    'DB queries/req',
    'idle/other cores',
    'ratio',
    'target',
    'met?',
  ];
  const align = ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l', 'l'];
  const body = rows.map((r) => {
    const ratios = r.ratios || [];
    return [
      r.scenario,
      r.workers ?? '—',
      r.data ?? '',
      fmt(r.rps),
      fmtMs(r.latencyMs?.p50),
      fmtMs(r.latencyMs?.p99),
      fmt((r.non2xx ?? 0) + (r.mismatches ?? 0) + (r.errors ?? 0)),
      fmt(r.serverCpuUsPerRequest),
      fmt(r.pgCpuUsPerRequest),
      r.dbQueriesPerRequest === null || r.dbQueriesPerRequest === undefined ? r.dbQueriesNote || '—' : r.dbQueriesPerRequest.toFixed(2),
      r.cores ? `${r.cores.idle.toFixed(2)}/${r.cores.other.toFixed(2)}` : '—',
      ratios.map((x) => `${x.value.toFixed(2)}× ${x.of}`).join('; ') || '—',
      ratios.map((x) => (x.target ? `${x.target.op}${x.target.value}×` : '—')).join('; ') || '—',
      ratios.map((x) => (x.target ? (x.met ? 'yes' : 'NO') : '—')).join('; ') || '—',
    ];
  });
  return table(headers, body, align);
}

function targetsTable(targets) {
  const headers = ['target', 'measured', 'wanted', 'met?'];
  return table(
    headers,
    targets.map((t) => [
      t.label,
      t.measured === null ? 'n/a' : `${t.measured.toFixed(2)}${t.unit ?? '×'}`,
      `${t.op} ${t.value}${t.unit ?? '×'}`,
      t.met === null ? 'n/a' : t.met ? 'yes' : 'NO',
    ]),
    ['l', 'r', 'r', 'l'],
  );
}

module.exports = { table, resultsTable, targetsTable, fmt };
