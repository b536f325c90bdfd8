/**
 * `pulumi up --stack qa` with qa copied from dev would create a second instance named like dev's and
 * write into dev's namespace. The program compares its stack with the other committed stack files and refuses
 * before any resource exists.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copiedDevCollisions } from '../config/helpers';
import { STACKS_DIR_VARIABLE } from '../../infra/config/environment';
import { apsaraMqKedaStack } from '../../infra/pulumi/program';
import { runWithMocks, STACKS_DIR, stackFileConfig, stackRuntime } from './harness';
import { scratchDir } from '../shared/scratch';

/** A scratch copy of stacks/, edited by `edit`, that the program reads through APSARAMQ_KEDA_STACKS_DIR. */
function stacksCopy(edit: (dir: string) => void): string {
  const dir = scratchDir('apsaramq-keda-pulumi-collisions-');
  fs.cpSync(STACKS_DIR, dir, { recursive: true });
  edit(dir);
  return dir;
}

const copyDevToQa = (dir: string) =>
  fs.copyFileSync(path.join(dir, 'Pulumi.dev.yaml'), path.join(dir, 'Pulumi.qa.yaml'));

describe('the Pulumi program beside the other committed stack files', () => {
  const saved = process.env[STACKS_DIR_VARIABLE];
  afterEach(() => {
    if (saved === undefined) delete process.env[STACKS_DIR_VARIABLE];
    else process.env[STACKS_DIR_VARIABLE] = saved;
  });

  test('refuses a stack copied from dev before any resource or call, naming both files and the values', async () => {
    const dir = stacksCopy(copyDevToQa);
    process.env[STACKS_DIR_VARIABLE] = dir;
    // qa's config as `pulumi up --stack qa` hands it over: the copied file's.
    const { config, secretKeys } = stackRuntime('dev');
    const run = await runWithMocks('qa', config, () => apsaraMqKedaStack(), { secretKeys });
    const qa = path.join(dir, 'Pulumi.qa.yaml');
    const dev = path.join(dir, 'Pulumi.dev.yaml');
    expect((run.error as Error).message).toBe(copiedDevCollisions(qa, dev).join('\n'));
    // Printed by Pulumi without a stack trace, like a config error.
    expect((run.error as { __pulumiRunError?: boolean }).__pulumiRunError).toBe(true);
    expect(run.resources).toEqual([]);
    expect(run.calls).toEqual([]);
  });

  test('refuses dev too while the copy is committed: the collision involves it', async () => {
    const dir = stacksCopy(copyDevToQa);
    process.env[STACKS_DIR_VARIABLE] = dir;
    const { config, secretKeys } = stackRuntime('dev');
    const run = await runWithMocks('dev', config, () => apsaraMqKedaStack(), { secretKeys });
    const qa = path.join(dir, 'Pulumi.qa.yaml');
    const dev = path.join(dir, 'Pulumi.dev.yaml');
    expect((run.error as Error).message).toBe(copiedDevCollisions(dev, qa).join('\n'));
    expect(run.resources).toEqual([]);
  });

  test('compares its runtime config, not its own stack file', async () => {
    // The runtime config is what `pulumi up` deploys; a stale file of the same stack must not count.
    const dir = stacksCopy(copyDevToQa);
    process.env[STACKS_DIR_VARIABLE] = dir;
    const config = stackFileConfig('dev');
    const kubernetes = config['apsaramq-keda:kubernetes'] as Record<string, unknown>;
    kubernetes.namespace = 'orders-qa';
    (config['apsaramq-keda:instance'] as Record<string, unknown>).name = 'orders_qa';
    const { config: runtime, secretKeys } = stackRuntime('qa', config);
    const run = await runWithMocks('qa', runtime, () => apsaraMqKedaStack(), { secretKeys });
    expect(run.error).toBeUndefined();
    expect(run.resources.length).toBeGreaterThan(0);
  });

  test('an invalid other stack file is left out with a warning naming it; the stack goes ahead', async () => {
    const dir = stacksCopy((d) =>
      fs.writeFileSync(path.join(d, 'Pulumi.qa.yaml'), 'config:\n  alicloud:region: cn-hangzhou\n'),
    );
    process.env[STACKS_DIR_VARIABLE] = dir;
    const { config, secretKeys } = stackRuntime('dev');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    let warnings: string[];
    let run;
    try {
      run = await runWithMocks('dev', config, () => apsaraMqKedaStack(), { secretKeys });
      warnings = warn.mock.calls.map((c) => String(c[0]));
    } finally {
      warn.mockRestore();
    }
    expect(run.error).toBeUndefined();
    expect(warnings.filter((w) => w.includes('Pulumi.qa.yaml'))).toEqual([
      expect.stringContaining(
        `${path.join(dir, 'Pulumi.qa.yaml')}: left out of the check for collisions between environments: it is invalid (6 problems; npm run synth -- --env qa lists them)`,
      ),
    ]);
  });
});
