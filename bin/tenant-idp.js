#!/usr/bin/env node
'use strict';
// The `tenant-idp` command (package.json "bin"): runs the CLI compiled to dist/ by `npm run build`.
const path = require('node:path');

const entry = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
let cli;
try {
  cli = require(entry);
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(entry)) {
    process.stderr.write('tenant-idp: dist/cli/main.js is missing; run `npm run build` first\n');
    process.exit(1);
  }
  throw error;
}
cli.run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
