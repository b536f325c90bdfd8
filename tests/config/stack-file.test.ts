/**
 * parseStackYaml (infra/config/stack-file.ts): syntax errors as `line L, column C: <what>`, an unclosed quote at
 * the quote that opened it. The columns are counted by hand: in `b: "bad` the quote is the 4th character.
 */
import { parseStackYaml } from '../../infra/config/stack-file';

const never = (line: number, quote: string) =>
  `line ${line}, column 4: the value quoted with ${quote} that starts here is never closed`;

describe('parseStackYaml', () => {
  test('a valid document decodes', () => {
    expect(parseStackYaml('a: 1\nb: "x"\n')).toEqual({ value: { a: 1, b: 'x' } });
  });

  test.each<[string, string, string]>([
    ['an unclosed double quote', 'a: "x\nb: 1\n', never(1, '"')],
    ['an unclosed single quote', "a: 'x\nb: 1\n", never(1, "'")],
    // `\"` escapes the quote, so the value is still open.
    ['a double quote closed only by an escaped quote', 'a: "x\\"\nb: 1\n', never(1, '"')],
    // The first value is closed; the second one opens and never closes.
    ['a closed value, then an unclosed one', 'a: "ok"\nb: "bad\n', never(2, '"')],
    // `\\"`: an escaped backslash, then the closing quote.
    ['a value ending in an escaped backslash, then an unclosed one', 'a: "x\\\\"\nb: "bad\n', never(2, '"')],
    // `''` is a quote inside a single-quoted value.
    ["a single-quoted value with '', then an unclosed one", "a: 'it''s'\nb: 'bad\n", never(2, "'")],
    ['a one-character value, then an unclosed one', 'a: ""\nb: "bad\n', never(2, '"')],
  ])('%s is reported where its quote opens', (_title, source, error) => {
    expect(parseStackYaml(source)).toEqual({ errors: [error] });
  });

  test('other errors keep the parser text, at their own line and column', () => {
    expect(parseStackYaml('a: 1\na: 2\n')).toEqual({ errors: ['line 2, column 1: Map keys must be unique'] });
    expect(parseStackYaml('a:\n\t- b\n')).toEqual({
      errors: ['line 2, column 1: Tabs are not allowed as indentation'],
    });
  });
});
