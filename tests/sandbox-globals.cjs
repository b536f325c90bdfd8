// @ts-check
/**
 * Jest's transform for the project's TypeScript: @swc/jest, then each module reads the built-in globals it uses
 * (Math, Number, Infinity, ...) once into module bindings. Jest runs every test in a vm context whose global object
 * is a Proxy, so each lookup of a global name costs ~0.5 µs in the interceptor, a hundred times the call it makes
 * (jestjs/jest#5163, nodejs/node#31658): the simulator's step loops spent most of their time there. The bindings
 * are the same objects, so nothing else changes. They go on the first line, after "use strict", so the source map
 * keeps every line.
 */
'use strict';
const swcJest = require('@swc/jest');

/** Pure built-ins only: the objects a test may replace (Date, timers, console) keep being looked up. */
const BUILT_INS = ['Math', 'Number', 'Infinity', 'NaN', 'JSON', 'Array', 'Object', 'String', 'Float64Array'];
const VERSION = 'sandbox-globals 1';

/**
 * @param {string} code the CommonJS swc wrote
 * @returns {string} the same code, the built-ins it names and does not declare read once at its start
 */
function localize(code) {
  const names = BUILT_INS.filter(
    (name) =>
      new RegExp(`\\b${name}\\b`).test(code) &&
      !new RegExp(`\\b(?:const|let|var|function|class)\\s+${name}\\b`).test(code),
  );
  if (names.length === 0) return code;
  const line = `const { ${names.join(', ')} } = globalThis;`;
  const strict = /^(["'])use strict\1;/.exec(code);
  return strict === null ? `${line}${code}` : `${strict[0]}${line}${code.slice(strict[0].length)}`;
}

module.exports = {
  /** @param {Parameters<typeof swcJest.createTransformer>[0]} options */
  createTransformer(options) {
    const swc = swcJest.createTransformer(options);
    return {
      ...swc,
      /** @type {typeof swc.process} */
      process(source, filename, jestOptions) {
        const result = swc.process(source, filename, jestOptions);
        return { ...result, code: localize(result.code) };
      },
      /** @type {typeof swc.getCacheKey} */
      getCacheKey(...args) {
        return `${swc.getCacheKey?.(...args)}:${VERSION}`;
      },
    };
  },
  localize,
};
