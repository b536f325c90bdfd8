/**
 * Reading a stack file's YAML: syntax errors as `line L, column C: <what>`, pointing where the mistake is
 * (an unclosed quote at the quote that opened it, not at the end of the file).
 */
import { Lexer, parseDocument, type YAMLError } from 'yaml';

// Source: eemeli/yaml docs, "Lexer": control characters the lexer yields that are not part of the source.
const LEXER_CONTROL_TOKENS = new Set(['\u{FEFF}', '\u0002', '\u0018', '\u001f']);

/** Whether a quoted scalar token ends with its closing quote (an escaped `\"` does not close). */
function isClosed(token: string, quote: string): boolean {
  if (token.length < 2 || !token.endsWith(quote)) return false;
  if (quote === "'") return true;
  const backslashes = /\\*"$/.exec(token)?.[0].length ?? 1;
  return (backslashes - 1) % 2 === 0;
}

/** The offset of the quote that opened a quoted scalar still open at `errorOffset`, if any. */
function unclosedQuoteOffset(source: string, quote: string, errorOffset: number): number | undefined {
  let offset = 0;
  let found: number | undefined;
  for (const token of new Lexer().lex(source)) {
    if (LEXER_CONTROL_TOKENS.has(token)) continue;
    if (offset > errorOffset) break;
    if (token.startsWith(quote) && !isClosed(token, quote)) found = offset;
    offset += token.length;
  }
  return found;
}

function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** One syntax error as `line L, column C: <what>`. */
function describe(source: string, error: YAMLError): string {
  const what = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const quote = error.code === 'MISSING_CHAR' ? /closing (["'])/.exec(what)?.[1] : undefined;
  const opened = quote === undefined ? undefined : unclosedQuoteOffset(source, quote, error.pos[0]);
  if (quote !== undefined && opened !== undefined) {
    const at = lineAndColumn(source, opened);
    return `line ${at.line}, column ${at.column}: the value quoted with ${quote} that starts here is never closed`;
  }
  const at = lineAndColumn(source, error.pos[0]);
  return `line ${at.line}, column ${at.column}: ${what}`;
}

/** The decoded document, or every syntax error of the file (tabs, duplicate keys, unclosed quotes, ...). */
export function parseStackYaml(source: string): { value: unknown } | { errors: string[] } {
  const document = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) return { errors: document.errors.map((e) => describe(source, e)) };
  return { value: document.toJS() as unknown };
}
