/**
 * What the loader opens and how it refuses a bad file (infra/config/environment.ts, handoff.ts): the name is
 * checked before a path is built, only regular files in the stacks directory are read, and every parse failure
 * is an InputError naming the file and the line.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  EnvironmentNameError,
  EnvironmentSpecError,
  listEnvironments,
  loadEnvironment,
  stackFilePath,
} from '../../infra/config/environment';
import { handoffFilePath, HandoffError, loadHandoff } from '../../infra/config/handoff';

const ROOT = path.resolve(__dirname, '..', '..');
const devFile = fs.readFileSync(path.join(ROOT, 'stacks', 'Pulumi.dev.yaml'), 'utf8');
const devHandoff = fs.readFileSync(path.join(ROOT, 'stacks', 'dev.outputs.json'), 'utf8');
const NAME_RULE =
  'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';

let dir: string;
let stacks: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-loader-inputs-'));
  stacks = path.join(dir, 'stacks');
  fs.mkdirSync(stacks);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The error `load` throws, which must be an instance of `type`. */
function thrown<T extends Error>(type: new (...args: never[]) => T, load: () => unknown): T {
  try {
    load();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error('loaded without error');
}

/** The 1-based line of the first occurrence of `needle` in `text`. */
const lineOf = (text: string, needle: string): number =>
  text.slice(0, text.indexOf(needle)).split('\n').length;

describe('stackFilePath and handoffFilePath', () => {
  test.each(['../etc/passwd', 'x/../../../../tmp/outside', 'Dev', 'dev.yaml', '', 'a'.repeat(64), '-dev'])(
    'refuse %j before building a path, echoing the name and the rule',
    (name) => {
      const message = `environment ${JSON.stringify(name)} is not a stack name: ${NAME_RULE}`;
      expect(() => stackFilePath(name, stacks)).toThrow(new EnvironmentNameError(name));
      expect(() => stackFilePath(name, stacks)).toThrow(message);
      expect(() => handoffFilePath(name, stacks)).toThrow(message);
    },
  );

  test('a label of 63 characters is a stack name', () => {
    const name = 'a'.repeat(63);
    expect(stackFilePath(name, '/srv/stacks')).toBe(`/srv/stacks/Pulumi.${name}.yaml`);
    expect(handoffFilePath(name, '/srv/stacks')).toBe(`/srv/stacks/${name}.outputs.json`);
  });
});

describe('EnvironmentSpecError', () => {
  test('without a file it names the stack file of a stack name, and only the stacks directory for another name', () => {
    expect(new EnvironmentSpecError('qa', ['v']).message).toBe(
      'stacks/Pulumi.qa.yaml: environment "qa" is invalid:\n  - v',
    );
    // As the Pulumi program reports a stack it was given (readStackConfig): no path is built from the name.
    expect(new EnvironmentSpecError('../etc/passwd', ['v']).message).toBe(
      'stacks: environment "../etc/passwd" is invalid:\n  - v',
    );
  });
});

describe('loadEnvironment', () => {
  test('a name that climbs out of the stacks directory is refused before the file it names is read', () => {
    // stacks/Pulumi.x/../../outside.yaml is dir/outside.yaml: it exists, and must not be opened.
    fs.writeFileSync(path.join(dir, 'outside.yaml'), 'config:\n  LEAKED-KEY: 1\n');
    const error = thrown(EnvironmentNameError, () => loadEnvironment('x/../../outside', stacks));
    expect(error.message).toBe(`environment "x/../../outside" is not a stack name: ${NAME_RULE}`);
    expect(error.message).not.toContain('outside.yaml');
  });

  test('a stack file that is a link out of the stacks directory is refused and what it points at is not read', () => {
    const outside = path.join(dir, 'outside.yaml');
    fs.writeFileSync(outside, 'config:\n  alicloud:region: cn-hangzhou\n  LEAKED-KEY: 1\n');
    const link = path.join(stacks, 'Pulumi.qa.yaml');
    fs.symlinkSync(outside, link);
    const error = thrown(EnvironmentSpecError, () => loadEnvironment('qa', stacks));
    expect(error.message).toBe(
      `${link}: environment "qa" is invalid:\n  - is a symbolic link; a stack file must be a regular file, not a link`,
    );
  });

  test('a stack file that is a FIFO is refused at once', () => {
    const fifo = path.join(stacks, 'Pulumi.qa.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(() => loadEnvironment('qa', stacks)).toThrow(
      `${fifo}: environment "qa" is invalid:\n  - is a FIFO (named pipe), not a regular file`,
    );
  });

  test('a directory named like a stack file is listed, then refused (so synth fails instead of dropping it)', () => {
    fs.writeFileSync(path.join(stacks, 'Pulumi.dev.yaml'), devFile);
    fs.mkdirSync(path.join(stacks, 'Pulumi.qa.yaml'));
    expect(listEnvironments(stacks)).toEqual(['dev', 'qa']);
    expect(() => loadEnvironment('qa', stacks)).toThrow(
      `${path.join(stacks, 'Pulumi.qa.yaml')}: environment "qa" is invalid:\n  - is a directory, not a regular file`,
    );
  });

  test('a stack file whose name is no stack name is refused naming that file', () => {
    const file = path.join(stacks, 'Pulumi.Dev_1.yaml');
    fs.writeFileSync(file, devFile);
    expect(listEnvironments(stacks)).toEqual(['Dev_1']);
    expect(() => loadEnvironment('Dev_1', stacks)).toThrow(
      `${file}: environment "Dev_1" is invalid:\n  - stack name "Dev_1" must be a DNS-1123 label`,
    );
  });

  test('bytes that are not UTF-8 are refused with their line instead of reaching dist/ as U+FFFD', () => {
    const text = devFile.replace(
      '      consumerGroup: order-fulfilment\n      loadBalancing',
      '      consumerGroup: order-fulfilment\n      env:\n        GREETING: caf\xe9\n      loadBalancing',
    );
    expect(text).not.toBe(devFile);
    const file = path.join(stacks, 'Pulumi.dev.yaml');
    fs.writeFileSync(file, Buffer.from(text, 'latin1'));
    expect(() => loadEnvironment('dev', stacks)).toThrow(
      `${file}: environment "dev" is invalid:\n  - line ${lineOf(text, 'GREETING')}: is not valid UTF-8; save the stack file as UTF-8`,
    );
  });

  test('a UTF-8 byte order mark is accepted: the file loads as without it', () => {
    fs.writeFileSync(path.join(stacks, 'Pulumi.dev.yaml'), `\uFEFF${devFile}`);
    expect(loadEnvironment('dev', stacks)).toEqual(loadEnvironment('dev'));
  });

  test('a stack file over 256 KiB is refused with its size', () => {
    const text = `${devFile}#${'x'.repeat(256 * 1024 - devFile.length - 2)}\n`;
    const file = path.join(stacks, 'Pulumi.dev.yaml');
    fs.writeFileSync(file, text);
    expect(Buffer.byteLength(text)).toBe(262_144);
    expect(loadEnvironment('dev', stacks)).toEqual(loadEnvironment('dev'));
    fs.appendFileSync(file, '\n');
    expect(() => loadEnvironment('dev', stacks)).toThrow(
      `${file}: environment "dev" is invalid:\n  - is 262145 bytes, more than the 262144 bytes (256 KiB) a stack file may have`,
    );
  });

  test('a YAML syntax error shows line, column and reason, never the excerpt yaml prettyErrors appends', () => {
    const file = path.join(stacks, 'Pulumi.qa.yaml');
    fs.writeFileSync(file, 'config:\n  alicloud:region: cn-hangzhou\n  alicloud:region: EXCERPT-MARKER\n');
    // yaml's own message appends lines 2 and 3 of the file and a caret under column 3.
    expect(thrown(EnvironmentSpecError, () => loadEnvironment('qa', stacks)).message).toBe(
      `${file}: environment "qa" is invalid:\n  - line 3, column 3: Map keys must be unique`,
    );
  });

  test('a YAML alias bomb is refused as bad input naming the file and the line of the node that expands too far', () => {
    const bomb = [
      '  apsaramq-keda:bomb:',
      '    a: &a [x, x, x, x, x, x, x, x, x, x]',
      '    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      '    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      '    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      '    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
      '',
    ].join('\n');
    const text = `${devFile}${bomb}`;
    const file = path.join(stacks, 'Pulumi.dev.yaml');
    fs.writeFileSync(file, text);
    // yaml (Alias.resolve) refuses when an anchor's count (1, plus 1 a use) times the aliases inside it passes
    // maxAliasCount 100: b's list uses a 10 times (a's count 11), so the 9th *b in c's list makes b's count 10,
    // and 10 × 11 = 110 > 100. No single *b fails alone, so c's list (its `[`, column 11) is where it is.
    expect(() => loadEnvironment('dev', stacks)).toThrow(
      `${file}: environment "dev" is invalid:\n  - line ${lineOf(text, '    c: &c')}, column 11: the aliases here expand too far (past the YAML parser's limit of 100, its guard against alias bombs); write the values out`,
    );
  });
});

describe('loadHandoff', () => {
  test('a JSON syntax error is a HandoffError naming the file, the line and the column', () => {
    const text = devHandoff.replace(
      '"instanceId": "rmq-cn-fakedev0000",',
      '"instanceId": "rmq-cn-fakedev0000"',
    );
    expect(text).not.toBe(devHandoff);
    const file = path.join(stacks, 'qa.outputs.json');
    fs.writeFileSync(file, text);
    // The next property starts line 4 at column 3, where a comma was expected.
    expect(() => loadHandoff('qa', stacks)).toThrow(
      new HandoffError(file, [`line 4, column 3: expected ','`]),
    );
  });

  test('a value that is not JSON is refused without echoing it', () => {
    const file = path.join(stacks, 'qa.outputs.json');
    fs.writeFileSync(file, 'password=hunter2\n');
    const error = thrown(HandoffError, () => loadHandoff('qa', stacks));
    expect(error.message).toBe(`${file} is invalid:\n  - line 1, column 1: unexpected character`);
  });

  test.each(['', ' \n'])('an empty hand-off (%j) says how to write it', (content) => {
    const file = path.join(stacks, 'qa.outputs.json');
    fs.writeFileSync(file, content);
    expect(() => loadHandoff('qa', stacks)).toThrow(
      new HandoffError(file, ['is empty: run pulumi up --stack qa, then npm run outputs -- qa']),
    );
  });

  test('a hand-off that is a FIFO is refused at once', () => {
    const fifo = path.join(stacks, 'qa.outputs.json');
    execFileSync('mkfifo', [fifo]);
    expect(() => loadHandoff('qa', stacks)).toThrow(
      new HandoffError(fifo, ['is a FIFO (named pipe), not a regular file']),
    );
  });

  test('a hand-off that links out of the stacks directory is refused', () => {
    const outside = path.join(dir, 'outside.json');
    fs.writeFileSync(outside, '{"LEAKED": 1');
    const link = path.join(stacks, 'qa.outputs.json');
    fs.symlinkSync(outside, link);
    expect(() => loadHandoff('qa', stacks)).toThrow(
      new HandoffError(link, ['is a symbolic link; a hand-off must be a regular file, not a link']),
    );
  });

  test('a hand-off over 64 KiB is refused with its size', () => {
    const file = path.join(stacks, 'dev.outputs.json');
    fs.writeFileSync(file, `${devHandoff}${' '.repeat(64 * 1024 - devHandoff.length + 1)}`);
    expect(() => loadHandoff('dev', stacks)).toThrow(
      new HandoffError(file, ['is 65537 bytes, more than the 65536 bytes (64 KiB) a hand-off may have']),
    );
  });

  test('bytes that are not UTF-8 are refused with their line; a byte order mark is accepted', () => {
    const file = path.join(stacks, 'dev.outputs.json');
    const text = devHandoff.replace('"namespace": "orders-dev"', '"namespace": "orders-d\xe9v"');
    fs.writeFileSync(file, Buffer.from(text, 'latin1'));
    expect(() => loadHandoff('dev', stacks)).toThrow(
      new HandoffError(file, [
        `line ${lineOf(text, '"namespace"')}: is not valid UTF-8; save the hand-off as UTF-8`,
      ]),
    );
    fs.writeFileSync(file, `\uFEFF${devHandoff}`);
    expect(loadHandoff('dev', stacks)).toEqual(JSON.parse(devHandoff));
  });
});
