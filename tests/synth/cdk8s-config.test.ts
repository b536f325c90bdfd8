/**
 * `npm run synth` runs the cdk8s app in its own process only while cdk8s.yaml asks the cdk8s CLI for nothing but
 * running it; anything more (validation plugins, imports, Helm output, another app) goes through `cdk8s synth`.
 */
import * as path from 'node:path';
import { CDK8S_APP, cdk8sOnlyRunsTheApp, readCdk8sConfig, SCRATCH_OUTDIR } from '../../infra/synth/pipeline';

const ROOT = path.resolve(__dirname, '..', '..');
const plain = { language: 'typescript', app: CDK8S_APP, output: SCRATCH_OUTDIR };

describe('cdk8sOnlyRunsTheApp', () => {
  test('the committed cdk8s.yaml only runs the app: the launcher with infra/synth/main.ts, into cdk8s.out', () => {
    expect(readCdk8sConfig(ROOT)).toEqual({
      language: 'typescript',
      app: 'node infra/launch/launch.cjs infra/synth/main.ts',
      output: 'cdk8s.out',
    });
    expect(cdk8sOnlyRunsTheApp(readCdk8sConfig(ROOT))).toBe(true);
  });

  test.each([
    ['validation plugins', { ...plain, validations: [{ package: 'some-plugin', version: '1.0.0' }] }],
    ['imports', { ...plain, imports: ['k8s'] }],
    ['Helm output', { ...plain, synthConfig: { format: 'helm', chartVersion: '1.0.0' } }],
    ['a plugins directory', { ...plain, pluginsDirectory: '/tmp/plugins' }],
    ['another app', { ...plain, app: 'npx ts-node main.ts' }],
    ['another output directory', { ...plain, output: 'dist' }],
    ['no language', { app: CDK8S_APP, output: SCRATCH_OUTDIR }],
  ])('with %s, the cdk8s CLI runs it', (_name, config) => {
    expect(cdk8sOnlyRunsTheApp(config)).toBe(false);
  });

  test('a missing cdk8s.yaml is read as nothing, and the cdk8s CLI (which then fails on it) runs', () => {
    expect(readCdk8sConfig(path.join(ROOT, 'no-such-folder'))).toBeUndefined();
    expect(cdk8sOnlyRunsTheApp(undefined)).toBe(false);
  });
});
