/** parseStackYaml (infra/config/stack-file.ts) at its edges; columns counted by hand. */
import { parseStackYaml } from '../../infra/config/stack-file';

test('a lone quote at the end of the file: a one-character token is never closed (column 4 of `a: "`)', () => {
  expect(parseStackYaml('a: "')).toEqual({
    errors: ['line 1, column 4: the value quoted with " that starts here is never closed'],
  });
});

test('a position with a two-digit column is cut from the parser text too', () => {
  // The second k is indented by 10 spaces: column 11 of line 3.
  expect(parseStackYaml('x:\n          k: 1\n          k: 2\n')).toEqual({
    errors: ['line 3, column 11: Map keys must be unique'],
  });
});

test('a missing character that is no quote keeps the parser text: an unclosed flow sequence', () => {
  // The parser expects the ] at the start of line 2, after the newline.
  expect(parseStackYaml('[1, 2\n')).toEqual({
    errors: ['line 2, column 1: Flow sequence must end with a ]'],
  });
});
