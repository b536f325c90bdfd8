/**
 * Builds the Pulumi CLI from the Go module proxy into the cache (outside the repo), keyed by version, for the
 * engine suite (tests/pulumi/engine.test.ts). `go install` refuses pkg/v3's go.mod (it has replace
 * directives), so a wrapper module requires pkg/v3 and sdk/v3 at one release and carries the replaces the
 * CLI's go.mod needs besides its `../sdk` one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from '../../e2e/harness/cache';
import { goBinary, runGo } from '../../e2e/harness/go-tool';

/**
 * The CLI release: the installed @pulumi/pulumi SDK's own (package.json pins 3.248.0), which the module proxy
 * serves for both pkg/v3 and sdk/v3. An engine at the SDK's release speaks the SDK's protocol exactly.
 */
export const PULUMI_CLI_VERSION = '3.248.0';

function cliDir(): string {
  return path.join(cacheDir(), `pulumi-v${PULUMI_CLI_VERSION}`);
}

/** Where the `pulumi` binary is (or will be) for this version. */
export function pulumiBinary(): string {
  return path.join(cliDir(), 'bin', 'pulumi');
}

/** True when the CLI is in the cache. */
export function cliBuilt(): boolean {
  return fs.existsSync(pulumiBinary());
}

/**
 * The replace directives of pkg/v3's go.mod other than the sdk one (`../sdk`, which the wrapper's require of
 * sdk/v3 at the same release stands for). At 3.248.0 that is the clipboard fork.
 */
export function foreignReplaces(goMod: string): string[] {
  return [...goMod.matchAll(/^replace\s+(\S+)\s+=>\s+(.+)$/gm)]
    .filter((m) => !m[2].trim().startsWith('.'))
    .map((m) => `replace ${m[1]} => ${m[2].trim()}`);
}

/** Builds the CLI if it is missing (cold: many minutes on 2 cores; warm: nothing to do). */
export function buildPulumiCli(log: (line: string) => void = console.log): string {
  if (goBinary === '') throw new Error('no `go` on PATH: the engine suite needs the Go toolchain');
  const out = pulumiBinary();
  if (fs.existsSync(out)) return out;
  const src = path.join(cliDir(), 'src');
  fs.mkdirSync(src, { recursive: true });
  const pkg = `github.com/pulumi/pulumi/pkg/v3@v${PULUMI_CLI_VERSION}`;
  const info = JSON.parse(runGo(['mod', 'download', '-json', pkg], cliDir(), log)) as { GoMod: string };
  const replaces = foreignReplaces(fs.readFileSync(info.GoMod, 'utf8'));
  fs.writeFileSync(
    path.join(src, 'go.mod'),
    [
      'module apsaramq-keda.local/pulumi',
      '',
      'go 1.25.11',
      '',
      'require (',
      `\tgithub.com/pulumi/pulumi/pkg/v3 v${PULUMI_CLI_VERSION}`,
      `\tgithub.com/pulumi/pulumi/sdk/v3 v${PULUMI_CLI_VERSION}`,
      ')',
      '',
      ...replaces,
      '',
    ].join('\n'),
  );
  const cmd = 'github.com/pulumi/pulumi/pkg/v3/cmd/pulumi';
  runGo(
    ['get', `${cmd}@v${PULUMI_CLI_VERSION}`, `github.com/pulumi/pulumi/sdk/v3@v${PULUMI_CLI_VERSION}`],
    src,
    log,
  );
  // The CLI reports its version from this variable (pulumi's Makefile sets it the same way).
  const ldflags = `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI_CLI_VERSION}`;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  runGo(['build', '-trimpath', '-ldflags', ldflags, '-o', `${out}.tmp`, cmd], src, log);
  fs.renameSync(`${out}.tmp`, out);
  return out;
}
