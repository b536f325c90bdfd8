/**
 * Runs the Pulumi program of a committed stack through the real Pulumi engine: the CLI built from the Go
 * module proxy (build-cli.ts), the Automation API with the program inline (in this process), a `file://`
 * backend and PULUMI_HOME in a temp dir, the passphrase secrets provider, and the stand-in providers
 * (stand-in-provider.ts) on PATH. Offline: no update check, no plugin download.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument, type YAMLMap } from 'yaml';
import { type EngineEvent, LocalWorkspace, PulumiCommand, type Stack } from '@pulumi/pulumi/automation';
import { apsaraMqKedaStack } from '../../../infra/pulumi/program';
import { CANARY, KUBECONFIG_CONFIG_KEY, PROJECT, STACKS_DIR, stackFileConfig } from '../harness';
import { PULUMI_CLI_VERSION, pulumiBinary } from './build-cli';
import { type LedgerEntry, PLUGIN_VERSIONS } from './stand-in-provider';

const REPO = path.resolve(__dirname, '..', '..', '..');
/** The passphrase of the temp stacks' secrets provider (a test value, not a secret). */
export const TEST_PASSPHRASE = 'engine-suite-passphrase';

/** One step the engine reported (a resourcePreEvent or resOutputsEvent), reduced to what the tests read. */
export interface Step {
  readonly op: string;
  readonly type: string;
  /** The resource's logical name (the last URN segment). */
  readonly name: string;
  /** Keys causing a replacement. */
  readonly keys: readonly string[];
  /** Keys that changed. */
  readonly diffs: readonly string[];
}

/** A committed stack in a fresh temp backend, with the engine's events of each operation. */
export interface EngineStack {
  readonly environment: string;
  readonly stack: Stack;
  /** The temp dir that holds the project, the backend (state/) and PULUMI_HOME (home/). */
  readonly dir: string;
  /** The stack file as the CLI keeps it (the committed one, plus the encryption salt and secrets set). */
  readonly stackFile: string;
  /** Runs `up`, `preview` or `destroy` (with `--replace` URNs) in a child process. */
  run(op: OperationRequest['op'], replace?: readonly string[]): Promise<OperationResult>;
  /** The raw checkpoint of the file backend. */
  checkpoint(): string;
  /** What the stand-in providers were asked to do, in order. */
  ledger(): LedgerEntry[];
  /** Empties the ledger (before the operation a test looks at). */
  clearLedger(): void;
  /**
   * Changes the stack file's config (as `pulumi config set` would, the encryption salt and secure values kept)
   * and returns a function that restores it.
   */
  editConfig(edit: (config: Record<string, unknown>) => void): () => void;
  /** Removes the temp dir. */
  dispose(): void;
}

/** The steps of an engine event stream: what the engine did (resOutputsEvent) or plans (resourcePreEvent). */
export function collectSteps(events: readonly EngineEvent[], kind: 'pre' | 'outputs'): Step[] {
  return events
    .map((e) => (kind === 'pre' ? e.resourcePreEvent : e.resOutputsEvent)?.metadata)
    .filter((m) => m !== undefined)
    .map((m) => ({
      op: m.op,
      type: m.type,
      name: m.urn.split('::').pop() ?? m.urn,
      keys: m.keys ?? [],
      diffs: m.diffs ?? [],
    }));
}

/** Diagnostics of the given severity, as the engine reported them. */
export function diagnostics(events: readonly EngineEvent[], severity: string): string[] {
  return events
    .map((e) => e.diagnosticEvent)
    .filter((d) => d !== undefined && d.severity === severity)
    .map((d) => (d?.message ?? '').trim());
}

function writePlugins(bin: string): void {
  fs.mkdirSync(bin, { recursive: true });
  const entry = path.join(__dirname, 'stand-in-provider.ts');
  const loader = path.join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  for (const pkg of Object.keys(PLUGIN_VERSIONS)) {
    const file = path.join(bin, `pulumi-resource-${pkg}`);
    fs.writeFileSync(
      file,
      `#!/bin/sh\nexec "${process.execPath}" --import "${loader}" "${entry}" ${pkg} "$@"\n`,
      { mode: 0o755 },
    );
  }
}

/** The paths of one temp stack under its dir. */
function layout(dir: string) {
  return {
    work: path.join(dir, 'project'),
    state: path.join(dir, 'state'),
    home: path.join(dir, 'home'),
    bin: path.join(dir, 'bin'),
    ledger: path.join(dir, 'ledger.jsonl'),
  };
}

/**
 * The stack in its temp dir, created or selected, with the program of infra/pulumi/program.ts inline, the
 * stand-in providers on PATH and the engine offline.
 */
export async function engineStack(environment: string, dir: string): Promise<Stack> {
  const { work, state, home, bin, ledger } = layout(dir);
  const region = stackFileConfig(environment)['alicloud:region'];
  const pulumiCommand = await PulumiCommand.get({
    root: path.dirname(path.dirname(pulumiBinary())),
    version: undefined,
    skipVersionCheck: true,
  });
  return LocalWorkspace.createOrSelectStack(
    {
      stackName: environment,
      projectName: PROJECT,
      program: () => Promise.resolve({ ...apsaraMqKedaStack() }),
    },
    {
      workDir: work,
      pulumiHome: home,
      pulumiCommand,
      secretsProvider: 'passphrase',
      projectSettings: {
        name: PROJECT,
        runtime: 'nodejs',
        backend: { url: `file://${state}` },
      },
      envVars: {
        PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK: 'true',
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: 'true',
        PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: 'true',
        PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
        ALICLOUD_REGION: typeof region === 'string' ? region : 'cn-hangzhou',
        STAND_IN_LEDGER: ledger,
      },
    },
  );
}

/** One engine operation and what it reported. */
export interface OperationRequest {
  readonly environment: string;
  readonly dir: string;
  readonly op: 'up' | 'preview' | 'destroy';
  /** URNs to replace (`--replace`). */
  readonly replace: readonly string[];
}
export interface OperationResult {
  readonly events: EngineEvent[];
  /** The error the operation ended with (the CLI's output), if any. */
  readonly error?: string;
  /** The preview's or update's change summary. */
  readonly changeSummary?: Record<string, number>;
}

/**
 * Runs one operation in a child process (run-operation.ts), so the program runs outside jest: when the engine
 * stops a run early (protect), the program's registrations in flight reject after the Automation API has
 * dropped its handlers, and a program that fails cannot hang the test process.
 */
export function runOperation(request: OperationRequest): Promise<OperationResult> {
  const out = path.join(request.dir, `operation-${Date.now()}.json`);
  const loader = path.join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', loader, path.join(__dirname, 'run-operation.ts'), JSON.stringify(request), out],
      { maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 },
      (error, _stdout, stderr) => {
        if (!fs.existsSync(out)) {
          reject(
            new Error(
              `run-operation ${request.op} on ${request.environment} wrote nothing (${error?.message ?? 'exit 0'}):\n${stderr}`,
            ),
          );
          return;
        }
        resolve(JSON.parse(fs.readFileSync(out, 'utf8')) as OperationResult);
      },
    );
  });
}

/**
 * The committed stack `environment` as a new stack in a temp file backend: its stack file copied from
 * stacks/, the secret config a real run needs set with `pulumi config set --secret` (the kubeconfig canary for
 * a stack without an ACK cluster id), and the program of infra/pulumi/program.ts inline.
 */
export async function openStack(environment: string): Promise<EngineStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `apsaramq-keda-engine-${environment}-`));
  const { work, state, home, bin, ledger } = layout(dir);
  for (const d of [work, state, home]) fs.mkdirSync(d, { recursive: true });
  writePlugins(bin);
  fs.writeFileSync(ledger, '');
  const stackFile = path.join(work, `Pulumi.${environment}.yaml`);
  fs.copyFileSync(path.join(STACKS_DIR, `Pulumi.${environment}.yaml`), stackFile);

  const config = stackFileConfig(environment);
  const stack = await engineStack(environment, dir);
  const kubernetes = (config[`${PROJECT}:kubernetes`] ?? {}) as {
    createSecrets?: boolean;
    ackClusterId?: string;
  };
  if (kubernetes.createSecrets !== false && kubernetes.ackClusterId === undefined) {
    await stack.setConfig(KUBECONFIG_CONFIG_KEY, { value: CANARY.kubeconfig, secret: true });
  }
  return {
    environment,
    stack,
    dir,
    stackFile,
    run: (op, replace = []) => runOperation({ environment, dir, op, replace }),
    checkpoint: () =>
      fs.readFileSync(path.join(state, '.pulumi', 'stacks', PROJECT, `${environment}.json`), 'utf8'),
    ledger: () =>
      fs
        .readFileSync(ledger, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as LedgerEntry),
    clearLedger: () => fs.writeFileSync(ledger, ''),
    editConfig: (edit) => {
      const original = fs.readFileSync(stackFile, 'utf8');
      const document = parseDocument(original);
      const config = document.get('config') as YAMLMap;
      const plain = config.toJSON() as Record<string, unknown>;
      edit(plain);
      for (const [key, value] of Object.entries(plain)) config.set(key, value);
      fs.writeFileSync(stackFile, document.toString());
      return () => fs.writeFileSync(stackFile, original);
    },
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export { PULUMI_CLI_VERSION };
