'use strict';
const fs = require('node:fs');

/** Resident set size of a process in bytes (Linux /proc), 0 when it is gone. */
function rssBytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

module.exports = { rssBytes };
