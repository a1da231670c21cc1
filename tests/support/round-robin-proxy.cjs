// The round-robin HTTP proxy of `SOAK_NODES=3 npm run soak` (bench/lib/round-robin-proxy.js), for the tests:
// one copy, typed by round-robin-proxy.d.cts.
module.exports = require('../../bench/lib/round-robin-proxy.js');
