import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
const GENERATED = 'src/sdk/generated.ts';

// Codegen's programmatic API, run in plain Node: its CommonJS build requires ESM-only packages
// (yargs), which jest's module system cannot load. Nothing is written; the outputs come back as JSON.
const GENERATE = `
const { generate, loadCodegenConfig } = require('@graphql-codegen/cli');
(async () => {
  const { config } = await loadCodegenConfig({ configFilePath: 'codegen.yml' });
  const outputs = await generate({ ...config, cwd: process.cwd(), silent: true }, false);
  process.stdout.write(JSON.stringify(outputs.map(({ filename, content }) => ({ filename, content }))));
})().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
`;

describe(GENERATED, () => {
  it('is what codegen.yml generates from the committed schema and operations', () => {
    const outputs = JSON.parse(execFileSync(process.execPath, ['-e', GENERATE], { cwd: ROOT, encoding: 'utf8' })) as {
      filename: string;
      content: string;
    }[];
    const output = outputs.find((file) => path.resolve(ROOT, file.filename) === path.join(ROOT, GENERATED));
    if (!output) throw new Error(`codegen.yml no longer generates ${GENERATED}`);
    const committed = readFileSync(path.join(ROOT, GENERATED), 'utf8');
    if (committed !== output.content) {
      const line = firstDifferentLine(committed, output.content);
      throw new Error(
        `${GENERATED} is out of date with codegen.yml, src/schema/schema.graphql or src/sdk/operations (first difference at line ${line}): run \`npm run codegen\` and commit the result.`,
      );
    }
  });
});

function firstDifferentLine(a: string, b: string): number {
  const left = a.split('\n');
  const right = b.split('\n');
  const index = left.findIndex((line, i) => line !== right[i]);
  return (index === -1 ? left.length : index) + 1;
}
