'use strict';
// CPU accounting from the kernel's own per-process counters (/proc/<pid>/stat),
// so the load generator sharing the machine does not blur the server's numbers.
// utime+stime cover every thread of a process (libuv pool included);
// cutime+cstime hold what exited, reaped children used.

const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // USER_HZ is 100 on every mainstream Linux build
}
const US_PER_TICK = 1e6 / clockTicks;

/** { pid, comm, ppid, cpuUs, childrenCpuUs } or null when the process is gone. */
function readStat(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const comm = text.slice(open + 1, close);
  const rest = text.slice(close + 2).split(' '); // rest[0] is field 3 (state)
  const field = (n) => Number(rest[n - 3]);
  return {
    pid,
    comm,
    ppid: field(4),
    cpuUs: (field(14) + field(15)) * US_PER_TICK,
    childrenCpuUs: (field(16) + field(17)) * US_PER_TICK,
  };
}

/** Direct children of `pid` (all threads' children lists). */
function childrenOf(pid) {
  const out = new Set();
  let tasks = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  for (const tid of tasks) {
    try {
      for (const c of fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) {
        if (c) out.add(Number(c));
      }
    } catch {
      // thread exited
    }
  }
  return [...out];
}

/** `pid` and all its descendants, as stat records. */
function tree(pid) {
  const out = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    const st = readStat(p);
    if (!st) continue;
    out.push(st);
    stack.push(...childrenOf(p));
  }
  return out;
}

/**
 * The server's processes split by role: `node` (primary and cluster workers)
 * and `postgres` (the embedded postmaster and its backends, when the server
 * started one). Returns CPU totals in µs plus the pids.
 */
function serverCpu(rootPid) {
  const all = tree(rootPid);
  const node = all.filter((p) => p.comm === 'node' || p.pid === rootPid);
  const pg = all.filter((p) => p.comm.startsWith('postgres') || p.comm.startsWith('postmaster'));
  const postmaster = pg.find((p) => !pg.some((q) => q.pid === p.ppid));
  return {
    nodeUs: node.reduce((s, p) => s + p.cpuUs, 0),
    nodePids: node.map((p) => p.pid),
    // backends that exited inside the window are in the postmaster's cutime/cstime
    pgUs: pg.reduce((s, p) => s + p.cpuUs, 0) + (postmaster ? postmaster.childrenCpuUs : 0),
    pgPids: pg.map((p) => p.pid),
  };
}

/** CPU µs of one process and its descendants (for the peer child). */
function processCpu(pid) {
  return tree(pid).reduce((s, p) => s + p.cpuUs, 0);
}

module.exports = { readStat, childrenOf, serverCpu, processCpu };

/** Machine-wide CPU from /proc/stat, µs: busy (incl. steal) and steal alone. */
function machineCpu() {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line;
  return {
    busyUs: (user + nice + system + irq + softirq + steal) * US_PER_TICK,
    stealUs: steal * US_PER_TICK,
    idleUs: (idle + iowait) * US_PER_TICK,
  };
}

module.exports.machineCpu = machineCpu;
