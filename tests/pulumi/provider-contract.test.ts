/**
 * The inputs of every committed stack against the alicloud provider's own rules (tests/pulumi/provider-contract.ts),
 * a broken copy of each rule refused, and every ForceNew field in infra/README.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listEnvironments } from '../../infra/config/environment';
import { apsaraMqKedaStack } from '../../infra/pulumi/program';
import { type RecordedResource, runWithMocks, stackRuntime } from './harness';
import {
  BRIDGED_TF_PROVIDER_VERSION,
  CONTRACTS,
  contractOf,
  contractViolations,
  withValue,
} from './provider-contract';

const ENVIRONMENTS = listEnvironments();
const recorded: { env: string; resource: RecordedResource }[] = [];

beforeAll(async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    for (const env of ENVIRONMENTS) {
      const { config, secretKeys } = stackRuntime(env);
      const run = await runWithMocks(env, config, () => apsaraMqKedaStack(), { secretKeys });
      // A failed run leaves nothing to check: fail every test of the suite with its error.
      if (run.error !== undefined)
        throw new Error(`${env}: the program failed under the mocks`, { cause: run.error });
      for (const resource of run.resources) recorded.push({ env, resource });
    }
  } finally {
    warn.mockRestore();
  }
});

const managed = () => recorded.filter((r) => r.resource.custom && r.resource.readId === undefined);

describe('the alicloud provider contract', () => {
  test('has a table for every alicloud resource type the program declares', () => {
    const types = new Set(
      managed()
        .map((r) => r.resource.type)
        .filter((t) => t.startsWith('alicloud:')),
    );
    expect([...types].filter((t) => contractOf(t) === undefined)).toEqual([]);
  });

  test.each(ENVIRONMENTS)('holds for every input of stack %s', (env) => {
    const found = managed()
      .filter((r) => r.env === env)
      .flatMap(({ resource }) => {
        const contract = contractOf(resource.type);
        return contract === undefined ? [] : contractViolations(contract, resource.name, resource.inputs);
      });
    expect(found).toEqual([]);
  });

  const rules = CONTRACTS.flatMap((contract) =>
    contract.rules.map(
      (rule) => [`${contract.type.split(':').pop()} ${rule.field} ${rule.rule}`, contract, rule] as const,
    ),
  );

  test.each(rules)('refuses a broken copy of the rule: %s', (_, contract, rule) => {
    const candidates = managed().filter((r) => r.resource.type === contract.type);
    expect(candidates.length).toBeGreaterThan(0);
    // A committed input the rule applies to (for a rule with a condition), or any input of the type.
    const base = candidates.find((r) => rule.when === undefined || rule.when(r.resource.inputs));
    expect(base).toBeDefined();
    const broken = withValue(base?.resource.inputs ?? {}, rule.field, rule.broken);
    const messages = contractViolations(contract, 'copy', broken).filter((m) =>
      m.includes(` ${rule.rule} [`),
    );
    expect(messages).toEqual([expect.stringContaining(`copy: ${rule.field} (`)]);
    expect(messages[0]).toContain(`${contract.file}:${rule.source}`);
  });

  test('every ForceNew field and every delete behaviour is in the infra/README.md section on replacing and deleting', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'infra', 'README.md'), 'utf8');
    const start = readme.indexOf('## What replaces or deletes cloud resources');
    expect(start).toBeGreaterThanOrEqual(0);
    const next = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, next === -1 ? undefined : next);
    const missing: string[] = [];
    for (const contract of CONTRACTS) {
      const typeName = contract.type.split(':').pop() as string;
      if (!section.includes(typeName)) missing.push(typeName);
      for (const field of contract.forceNew) {
        if (!section.includes(`\`${field.field}\``)) missing.push(`${typeName}.${field.field}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

/** Every .d.ts file of @pulumi/alicloud, for the provider version its docs show. */
function sdkDeclarationFiles(dir = path.dirname(require.resolve('@pulumi/alicloud/package.json'))): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sdkDeclarationFiles(full);
    return entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const semver = (v: string) => v.split('.').map(Number);
const newer = (a: string, b: string) => {
  const [x, y] = [semver(a), semver(b)];
  const i = x.findIndex((part, k) => part !== y[k]);
  return i !== -1 && x[i] > y[i];
};

/** The repo files that may name the TF provider version (code comments and docs). */
function repoTextFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return ['node_modules', '.git', '__snapshots__'].includes(entry.name) ? [] : repoTextFiles(full);
    return /\.(ts|md)$/.test(entry.name) ? [full] : [];
  });
}

describe('the bridged TF provider version', () => {
  test('is the newest "Available since" release in the docs of @pulumi/alicloud (the SDK bridges at least that one)', () => {
    let newest = '0.0.0';
    for (const file of sdkDeclarationFiles()) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(/Available since v(\d+\.\d+\.\d+)/g)) {
        if (newer(match[1], newest)) newest = match[1];
      }
    }
    expect(`v${newest}`).toBe(BRIDGED_TF_PROVIDER_VERSION);
  });

  test('is the one every comment and doc of the repo names', () => {
    const root = path.join(__dirname, '../..');
    const named = ['infra', 'tests', 'constructs', 'stacks'].flatMap((dir) =>
      repoTextFiles(path.join(root, dir)).flatMap((file) =>
        [
          ...fs
            .readFileSync(file, 'utf8')
            .matchAll(/(?:terraform-provider-alicloud`?|alicloud provider \()\s*(v\d+\.\d+\.\d+)/g),
        ].map((m) => `${path.relative(root, file)}: ${m[1]}`),
      ),
    );
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((line) => !line.endsWith(`: ${BRIDGED_TF_PROVIDER_VERSION}`))).toEqual([]);
  });
});
