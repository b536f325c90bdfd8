/**
 * Reading JSON that may hold a secret (a paste of `pulumi stack output --show-secrets`, a hand-edited hand-off):
 * a syntax error is reported as `line L, column C: <what>`, never with the excerpt of the text that Node's
 * JSON.parse puts in its message (V8 json-parser.cc: `Unexpected token 'x', ..."<text>"... is not valid JSON`).
 */
import { parse as parseTolerant, type ParseError, printParseErrorCode } from 'jsonc-parser';

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** `InvalidSymbol` -> `invalid symbol`. */
function words(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** jsonc-parser's first error in strict mode; undefined when it finds none or gives up (it recurses per level). */
function firstSyntaxError(text: string): ParseError | undefined {
  const errors: ParseError[] = [];
  try {
    parseTolerant(text, errors, {
      disallowComments: true,
      allowTrailingComma: false,
      allowEmptyContent: false,
    });
  } catch {
    return undefined;
  }
  return errors[0];
}

/**
 * The value of `text`, or where its first syntax error is. JSON.parse decides what is JSON; jsonc-parser, in
 * strict mode, only says where the error is, since V8's message names no position for an unexpected token.
 */
export function parseJsonText(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    const first = firstSyntaxError(text);
    if (first === undefined) return { error: 'no position known' };
    const at = lineAndColumn(text, first.offset);
    return { error: `line ${at.line}, column ${at.column}: ${words(printParseErrorCode(first.error))}` };
  }
}
