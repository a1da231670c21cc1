// Jest's order (tests that failed last time first, then the slowest by earlier runs' timings), except on a
// run without timings (a fresh clone): there, files that start browsers or server processes go first, then
// the other integration and seed files, then unit tests, each group largest file first, so that the long
// files do not start last and leave the other workers idle at the end.
const { readFileSync } = require('node:fs');
const TestSequencer = require('@jest/test-sequencer').default;

const HEAVY = /spawnServer\(|launchChromium\(|\bspawn\(/;

function rank(path) {
  if (/[\\/]tests[\\/]unit[\\/]/.test(path)) return 2;
  try {
    return HEAVY.test(readFileSync(path, 'utf8')) ? 0 : 1;
  } catch {
    return 1;
  }
}

class HeavyFirstSequencer extends TestSequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => test.duration != null)) return sorted;
    const ranks = new Map(sorted.map((test) => [test.path, rank(test.path)]));
    // Array.prototype.sort is stable: within a group the file-size order stays.
    return [...sorted].sort((a, b) => ranks.get(a.path) - ranks.get(b.path));
  }
}

module.exports = HeavyFirstSequencer;
