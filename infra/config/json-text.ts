/**
 * Reading JSON a user supplies (a hand-off, a paste of `pulumi stack output`): a syntax error as
 * `line L, column C: <what>`, the same on every Node version, and never an excerpt of the text (V8's JSON.parse
 * messages quote it: `Unexpected token 'x', ..."<text>"... is not valid JSON`), which may hold a secret.
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
  '<unknown ParseErrorCode>': 'is not valid JSON',
};

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/** jsonc-parser's first error in strict mode; undefined when it finds none or gives up (it recurses per level). */
function firstSyntaxError(text: string): ParseError | undefined {
  const errors: ParseError[] = [];
  try {
    parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    return undefined;
  }
  return errors[0];
}

/**
 * The value of `text` as JSON.parse gives it, or the first syntax error as `line L, column C: <what>`.
 * JSON.parse decides what is JSON; jsonc-parser only says where the error is.
 */
export function parseJsonText(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    const first = firstSyntaxError(text);
    // Nesting too deep for jsonc-parser, or where it is more lenient than JSON.parse: no position to give.
    if (first === undefined) return { error: 'is not valid JSON' };
    const at = lineAndColumn(text, first.offset);
    return { error: `line ${at.line}, column ${at.column}: ${REASONS[printParseErrorCode(first.error)]}` };
  }
}
