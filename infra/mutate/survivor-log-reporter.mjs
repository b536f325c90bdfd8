// A Stryker reporter that appends each surviving or uncovered mutant to `<report dir>/survivors.log` as soon as it
// is judged, so tests for the first survivors can be written while a long run goes on (the JSON report comes only
// at the end). One line per mutant: file:line:column status mutator => replacement.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const out = process.env.MUTATE_OUT;

function line(result) {
  const { line: row, column } = result.location.start;
  const replacement = (result.replacement ?? '').replace(/\s+/g, ' ').slice(0, 120);
  return `${path.relative(process.cwd(), result.fileName)}:${row}:${column + 1} ${result.status} ${result.mutatorName} => ${replacement}\n`;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Reporter, 'survivor-log', {
    onMutantTested(result) {
      if (out === undefined || (result.status !== 'Survived' && result.status !== 'NoCoverage')) return;
      fs.appendFileSync(path.join(out, 'survivors.log'), line(result));
    },
  }),
];
