/**
 * Reading a stack file's YAML: syntax errors as `line L, column C: <what>`, pointing where the mistake is
 * (an unclosed quote at the quote that opened it, not at the end of the file).
 */
import {
  type Document,
  isCollection,
  isNode,
  isPair,
  Lexer,
  type Node,
  parseDocument,
  type YAMLError,
} from 'yaml';

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

/** yaml's default maxAliasCount (DocumentOptions), stated so the message can give it. */
const MAX_ALIAS_COUNT = 100;

/** The child nodes of a node: a collection's items, a pair's key and value. */
function childrenOf(node: Node): Node[] {
  if (!isCollection(node)) return [];
  return node.items
    .flatMap((item): unknown[] => (isPair(item) ? [item.key, item.value] : [item]))
    .filter(isNode);
}

/** The smallest node under `node` that fails to convert on its own (descending while a child fails too). */
function failingNode(document: Document, node: Node): Node {
  for (const child of childrenOf(node)) {
    try {
      child.toJS(document, { maxAliasCount: MAX_ALIAS_COUNT });
    } catch {
      return failingNode(document, child);
    }
  }
  return node;
}

/** A failure of toJS (after a clean parse) as `line L, column C: <what>`, at the node that causes it. */
function describeConversion(source: string, document: Document, error: unknown): string {
  const what = error instanceof Error ? error.message.split('\n')[0] : String(error);
  // yaml's guard in Alias.resolve: an anchor's uses times the aliases inside it may not exceed maxAliasCount.
  const reason = /^Excessive alias count/.test(what)
    ? `the aliases here expand too far (past the YAML parser's limit of ${MAX_ALIAS_COUNT}, its guard against alias bombs); write the values out`
    : what;
  const root = document.contents;
  const offset = isNode(root) ? (failingNode(document, root).range?.[0] ?? 0) : 0;
  const at = lineAndColumn(source, offset);
  return `line ${at.line}, column ${at.column}: ${reason}`;
}

/**
 * The decoded document, or every syntax error of the file (tabs, duplicate keys, unclosed quotes, ...), or the
 * one conversion error (an alias bomb), each as `line L, column C: <what>`. yaml's prettyErrors adds an excerpt
 * of the file to each message; only its first line is kept, so no message quotes the file.
 */
export function parseStackYaml(source: string): { value: unknown } | { errors: string[] } {
  const document = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) return { errors: document.errors.map((e) => describe(source, e)) };
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (error) {
    return { errors: [describeConversion(source, document, error)] };
  }
}
