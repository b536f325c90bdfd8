/**
 * `npm run preflight -- --env <env> [--kubeconfig <file>] [--context <name>] [--json]`: checks that a cluster
 * can run the environment's manifests as they mean (like `flux check --pre`). Exit 0 when every check is ok,
 * 1 when one failed, 2 on bad input (unknown environment, unusable kubeconfig), before any request.
 */
import * as os from 'node:os';
import { App } from 'cdk8s';
import { defaultStacksDir, loadEnvironment } from '../config/environment';
import { loadHandoff } from '../config/handoff';
import { kedaRelease } from '../config/keda-release';
import { buildEnvironment } from '../synth/app';
import { cliProgram, EXIT_FAILURE, EXIT_OK, exitCodeFor, runCli, type CliOutput } from '../shared/cli';
import { formatResult } from './classify';
import { kubeApi, prometheusQuery } from './http';
import { loadClusterAccess } from './kubeconfig';
import { type Manifest, runPreflight } from './preflight';

interface Options {
  readonly env: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly stacksDir: string;
  readonly json?: boolean;
}

/** Where the kubeconfig is looked for: the process's environment and home, replaceable in tests. */
export interface PreflightEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
}

async function run(options: Options, io: CliOutput, where: PreflightEnvironment): Promise<number> {
  // Every input before any request: the stack file, its hand-off, the manifests, the kubeconfig.
  const spec = loadEnvironment(options.env, options.stacksDir);
  const handoff = loadHandoff(options.env, options.stacksDir);
  const manifests = buildEnvironment(new App(), spec, handoff).flatMap(
    (chart) => chart.toJson() as Manifest[],
  );
  const access = loadClusterAccess(
    {
      ...(options.kubeconfig !== undefined && { kubeconfig: options.kubeconfig }),
      ...(options.context !== undefined && { context: options.context }),
    },
    where.env,
    where.home,
  );
  const kube = kubeApi(access);
  try {
    const results = await runPreflight({
      environment: spec.name,
      broker: 'brokerCluster' in handoff ? handoff.brokerCluster : handoff.instanceId,
      manifests,
      kedaVersion: kedaRelease(spec),
      kube,
      query: (serverAddress, query, headers) => prometheusQuery(serverAddress, query, headers, new Date()),
    });
    const ok = results.every((r) => r.status === 'ok');
    if (options.json === true) {
      const report = { environment: spec.name, context: access.context, ok, checks: results };
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      io.stdout(`preflight ${spec.name} against context ${access.context} (${access.server})\n`);
      for (const r of results) io.stdout(`${formatResult(r)}\n`);
      const failed = results.filter((r) => r.status !== 'ok').length;
      io.stdout(
        failed === 0 ? `all ${results.length} checks ok\n` : `${failed} of ${results.length} checks failed\n`,
      );
    }
    return ok ? EXIT_OK : EXIT_FAILURE;
  } finally {
    kube.close();
  }
}

/** The command in-process: its exit code; output through `io`. */
export async function main(
  argv: readonly string[],
  io: CliOutput,
  where: PreflightEnvironment = { env: process.env, home: os.homedir() },
): Promise<number> {
  let code = EXIT_OK;
  const program = cliProgram(
    'npm run preflight --',
    "Check that a cluster runs what an environment's manifests need: KEDA's release, CRDs, metrics API, Secrets and queries",
    io,
  )
    .requiredOption('-e, --env <env>', 'environment (stacks/Pulumi.<env>.yaml and stacks/<env>.outputs.json)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, else ~/.kube/config)')
    .option('--context <name>', "kubeconfig context (default: the kubeconfig's current-context)")
    .option('--stacks-dir <dir>', 'directory of the stack files and hand-offs', defaultStacksDir())
    .option('--json', 'print the checks as JSON on stdout')
    .action(async (options: Options) => {
      code = await run(options, io, where);
    });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    return exitCodeFor('preflight', error, io.stderr);
  }
  return code;
}

if (require.main === module) {
  runCli('preflight', () =>
    main(process.argv.slice(2), {
      stdout: (text) => void process.stdout.write(text),
      stderr: (text) => void process.stderr.write(text),
    }),
  );
}
