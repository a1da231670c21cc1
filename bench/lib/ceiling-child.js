'use strict';
// Child process entry: runs the crypto ceiling and sends the result to the parent.
const { measureCryptoCeiling } = require('../baselines/crypto-ceiling');

measureCryptoCeiling({ durationMs: Number(process.argv[2]) || 2000 }).then(
  (r) => process.send(r, () => process.exit(0)),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
