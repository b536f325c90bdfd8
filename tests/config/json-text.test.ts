/** parseJsonText (infra/config/json-text.ts): where a syntax error is, by line and column, and nothing of the text. */
import { parseJsonText } from '../../infra/config/json-text';

/** Not a credential of anything: a string to look for in every message. */
const CANARY = 'canary-not-a-real-secret-4d';

describe('parseJsonText', () => {
  test('JSON is parsed as JSON.parse parses it', () => {
    expect(parseJsonText('{"a": [1, "x", null]}')).toEqual({ value: { a: [1, 'x', null] } });
  });

  test.each<[string, string, string]>([
    // Offsets counted by hand: the column is 1 + the characters before it on its line.
    ['a bare word as a value', `{"a": ${CANARY}}`, 'line 1, column 7: unexpected character'],
    [
      'a bare word on the third line',
      `{\n  "a": 1,\n  "b": ${CANARY}\n}`,
      'line 3, column 8: unexpected character',
    ],
    ['CRLF line ends', `{\r\n  "b": ${CANARY}\r\n}`, 'line 2, column 8: unexpected character'],
    [
      'an unclosed string, at its opening quote',
      `["ok", "${CANARY}`,
      'line 1, column 8: the string is never closed',
    ],
    ['a trailing comma', '[1,]', 'line 1, column 4: expected a value'],
    ['a missing comma', '[1 2]', "line 1, column 4: expected ','"],
    ['a second value', 'true false', 'line 1, column 6: expected the end of the file after the value'],
    ['a comment', `// ${CANARY}\n{}`, 'line 1, column 1: comments are not JSON'],
    ['nothing', '', 'line 1, column 1: expected a value'],
  ])('%s: %j', (_title, text, error) => {
    expect(parseJsonText(text)).toEqual({ error });
  });

  test('nesting too deep to locate the error is refused without a position', () => {
    // JSON.parse reads it to the end; jsonc-parser recurses per level and runs out of stack first.
    expect(parseJsonText('['.repeat(200_000))).toEqual({ error: 'is not valid JSON' });
  });
});
