'use strict';
// Summarises a V8 .cpuprofile (node --cpu-prof): top functions by self time and by
// inclusive time, and self time per package / source area.
//   node bench/tools/cpuprofile-top.js <file.cpuprofile> [top=30] [--from=<s> --to=<s>]
// --from/--to keep only samples in that window (seconds since the profile started),
// e.g. the measured run, leaving start-up and seeding out.

const fs = require('node:fs');
const path = require('node:path');

function load(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function area(url) {
  if (!url) return '(native / V8)';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 'node_modules/'.length).split('/');
    return `npm:${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (u.startsWith('node:')) return u;
  const dist = u.indexOf('/dist/');
  if (dist >= 0) return `src/${path.dirname(u.slice(dist + 6))}`;
  return u;
}

function summarise(profile, { top = 30, from = null, to = null } = {}) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const key = (n) => {
    const f = n.callFrame;
    const file = f.url ? f.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules\/|dist\/)/, '$1') : '';
    return `${f.functionName || '(anonymous)'} ${file}${file ? `:${f.lineNumber + 1}` : ''}`;
  };
  const self = new Map();
  const incl = new Map();
  const areas = new Map();
  let total = 0;
  let idle = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const sec = (t - profile.startTime) / 1e6;
    if ((from !== null && sec < from) || (to !== null && sec > to)) continue;
    const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i];
    const node = nodes.get(profile.samples[i]);
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idle += dt;
      continue;
    }
    total += dt;
    const k = key(node);
    self.set(k, (self.get(k) || 0) + dt);
    const a = name === '(garbage collector)' || name === '(program)' ? name : area(node.callFrame.url);
    areas.set(a, (areas.get(a) || 0) + dt);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const kk = key(nodes.get(id));
      if (seen.has(kk)) continue;
      seen.add(kk);
      incl.set(kk, (incl.get(kk) || 0) + dt);
    }
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  const pct = (v) => `${((100 * v) / total).toFixed(1).padStart(5)}%`;
  const ms = (v) => `${(v / 1000).toFixed(0).padStart(7)} ms`;
  const lines = [];
  lines.push(
    `busy ${(total / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s (main thread only; crypto.subtle and argon2 run on libuv threads and are not sampled)`,
  );
  lines.push('', 'self time by area:');
  for (const [k, v] of sorted(areas).slice(0, 20)) lines.push(`  ${pct(v)} ${ms(v)}  ${k}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const [k, v] of sorted(self).slice(0, top)) lines.push(`  ${pct(v)} ${ms(v)}  ${k}`);
  lines.push('', `top ${top} functions by inclusive time:`);
  for (const [k, v] of sorted(incl)
    .filter(([k]) => !k.startsWith('(root)'))
    .slice(0, top))
    lines.push(`  ${pct(v)} ${ms(v)}  ${k}`);
  return lines.join('\n');
}

module.exports = { summarise };

if (require.main === module) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  if (!file) {
    console.error('usage: node bench/tools/cpuprofile-top.js <file.cpuprofile> [top] [--from=s] [--to=s]');
    process.exit(2);
  }
  const opt = (name) => {
    const a = args.find((x) => x.startsWith(`--${name}=`));
    return a ? Number(a.split('=')[1]) : null;
  };
  const topArg = args.find((a) => /^\d+$/.test(a));
  console.log(summarise(load(file), { top: topArg ? Number(topArg) : 30, from: opt('from'), to: opt('to') }));
}
