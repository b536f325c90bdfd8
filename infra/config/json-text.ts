/**
 * Reading JSON a user supplies (the hand-off): a syntax error as `line L, column C: <what>`, the same on every
 * Node version, and never an excerpt of the text (V8's JSON.parse messages quote it: `"..." is not valid JSON`).
 */
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

/** What each jsonc-parser error code means, in the words of the JSON grammar (RFC 8259). */
const REASONS: Readonly<Record<ReturnType<typeof printParseErrorCode>, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'expected the end of the file after the value',
  InvalidCommentToken: 'comments are not JSON',
  UnexpectedEndOfComment: 'comments are not JSON',
  UnexpectedEndOfString: 'the string is never closed',
  UnexpectedEndOfNumber: 'invalid number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape in a string',
  InvalidCharacter: 'a string holds a control character; escape it',
  '<unknown ParseErrorCode>': 'not valid JSON',
};

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/** The value of `text` as JSON.parse gives it, or the first syntax error as `line L, column C: <what>`. */
export function parseJsonText(text: string): { value: unknown } | { error: string } {
  const errors: ParseError[] = [];
  // Strict JSON: no comments, no trailing commas, no empty text.
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0) {
    const at = lineAndColumn(text, errors[0].offset);
    return {
      error: `line ${at.line}, column ${at.column}: ${REASONS[printParseErrorCode(errors[0].error)]}`,
    };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    // Where jsonc-parser is more lenient than JSON.parse; V8's message may quote the text, so it is not shown.
    return { error: 'is not valid JSON' };
  }
}
