/**
 * The Pulumi CLI build of the engine suite (tests/pulumi/engine/build-cli.ts): the release it pins and the
 * replace directives it carries over from pkg/v3's go.mod. The build itself runs in .ci/run before jest.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { foreignReplaces, PULUMI_CLI_VERSION } from './engine/build-cli';

describe('the Pulumi CLI build', () => {
  test('pins the release of the installed @pulumi/pulumi SDK, so engine and SDK speak one protocol', () => {
    const sdk = JSON.parse(
      fs.readFileSync(
        path.join(__dirname, '..', '..', 'node_modules', '@pulumi', 'pulumi', 'package.json'),
        'utf8',
      ),
    ) as { version: string };
    expect(PULUMI_CLI_VERSION).toBe(sdk.version);
  });

  test("carries pkg/v3's replace directives except its ../sdk one, which the sdk/v3 require stands for", () => {
    // The head of pkg/go.mod at v3.248.0 (GOMODCACHE cache/download/github.com/pulumi/pulumi/pkg/v3/@v).
    const goMod = [
      'module github.com/pulumi/pulumi/pkg/v3',
      '',
      'go 1.25.11',
      '',
      'replace github.com/pulumi/pulumi/sdk/v3 => ../sdk',
      '',
      'replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e',
      '',
      'require (',
      '\tcloud.google.com/go/logging v1.13.2',
      ')',
    ].join('\n');
    expect(foreignReplaces(goMod)).toEqual([
      'replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e',
    ]);
  });
});
