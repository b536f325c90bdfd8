/**
 * The sample app: `consumer` (configured by the environment ConsumerWorkload sets) and `load` (the producer
 * and load generator, `npm run load -- --topic T --rate 200 --duration 60`). Usage errors exit 2.
 */
import { Command, CommanderError, Option, type OutputConfiguration } from 'commander';
import { PRODUCER_ENV } from '../../constructs/shared';
import { decimalArgument, withRange } from '../shared/numeric-flag';
import { consumerConfigFromEnv, EXIT_DRAIN_UNFINISHED, EXIT_FATAL } from './config';
import { SampleConsumer } from './consumer';
import { startHttpServer } from './http-server';
import { formatSummary, runLoad } from './load';
import { jsonLogger, parseLogLevel } from './log';
import { consumerMetrics } from './metrics';
import { LOAD_NUMERIC_FLAGS } from './ranges';

const FLAGS = LOAD_NUMERIC_FLAGS;

async function consumerCommand(): Promise<void> {
  const config = consumerConfigFromEnv(process.env);
  const logger = jsonLogger(config.logLevel, undefined, { app: 'sample-consumer' });
  // A bug must not leave a process that looks alive and does nothing: log it and exit non-zero.
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { error: reason instanceof Error ? reason.message : String(reason) });
    process.exit(EXIT_FATAL);
  });
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception', { error: error.message });
    process.exit(EXIT_FATAL);
  });
  const metrics = consumerMetrics();
  const consumer = new SampleConsumer(config, logger, metrics, { onFatal: () => process.exit(EXIT_FATAL) });
  const { server, port } = await startHttpServer(
    config.httpHost,
    config.httpPort,
    consumer,
    metrics.registry,
  );
  logger.info('http listening', { port });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('signal received', { signal });
    void consumer.drain().then(
      // Non-zero when messages were left for redelivery, so the pod's termination reason says so.
      (result) => server.close(() => process.exit(result.unfinished > 0 ? EXIT_DRAIN_UNFINISHED : 0)),
      (error: Error) => {
        logger.error('drain failed', { error: error.message });
        process.exit(EXIT_FATAL);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await consumer.start();
}

/** The sample app's commands; `io` replaces stdout and stderr (tests parse with it in-process). */
export function program(io?: Pick<OutputConfiguration, 'writeOut' | 'writeErr'>): Command {
  const root = new Command('sample-app')
    .description('Sample RocketMQ 5.x consumer and load generator (rocketmq-client-nodejs)')
    .exitOverride()
    .showHelpAfterError();
  // Before the subcommands: they copy the root's output settings when they are created.
  if (io !== undefined) root.configureOutput(io);
  root
    .command('consumer')
    .description('consume ROCKETMQ_TOPIC as ROCKETMQ_CONSUMER_GROUP; settings come from the environment')
    .action(consumerCommand);
  root
    .command('load')
    .description('send messages to a topic at a fixed rate')
    .requiredOption('--topic <name>', 'topic to send to')
    .option(
      '--rate <msgs>',
      withRange('messages per second', FLAGS['--rate']),
      decimalArgument(FLAGS['--rate']),
      200,
    )
    .addOption(
      new Option('--duration <seconds>', withRange('run for this long (default 60)', FLAGS['--duration']))
        .argParser(decimalArgument(FLAGS['--duration']))
        .conflicts('count'),
    )
    .addOption(
      new Option('--count <n>', withRange('send exactly this many messages', FLAGS['--count'])).argParser(
        decimalArgument(FLAGS['--count']),
      ),
    )
    .option('--endpoint <host:port>', `gRPC endpoint (default $${PRODUCER_ENV.endpoint})`)
    .option('--tag <tag>', 'message tag', 'load')
    .option(
      '--body-bytes <n>',
      withRange('body size', FLAGS['--body-bytes']),
      decimalArgument(FLAGS['--body-bytes']),
      256,
    )
    .option(
      '--concurrency <n>',
      withRange('sends awaiting a receipt at once', FLAGS['--concurrency']),
      decimalArgument(FLAGS['--concurrency']),
      64,
    )
    .option('--ids-file <path>', 'write the id of each sent message to this file')
    .action(async (opts: Record<string, unknown>, command: Command) => {
      const endpoint = (opts.endpoint as string | undefined) ?? process.env[PRODUCER_ENV.endpoint];
      if (endpoint === undefined || !/^[A-Za-z0-9.-]+:[0-9]{1,5}$/.test(endpoint)) {
        command.error(
          `error: --endpoint (${JSON.stringify(endpoint ?? '')}) must be host:port, or set $${PRODUCER_ENV.endpoint}`,
          { exitCode: 2, code: 'sample-app.endpoint' },
        );
      }
      const logger = jsonLogger(parseLogLevel(process.env.LOG_LEVEL), (line) => process.stderr.write(line), {
        app: 'sample-load',
      });
      const summary = await runLoad(
        {
          endpoint: endpoint,
          topic: opts.topic as string,
          rate: opts.rate as number,
          durationSeconds: (opts.duration as number | undefined) ?? 60,
          count: opts.count as number | undefined,
          tag: opts.tag as string,
          bodyBytes: opts.bodyBytes as number,
          concurrency: opts.concurrency as number,
          username: process.env[PRODUCER_ENV.username] || undefined,
          password: process.env[PRODUCER_ENV.password] || undefined,
          idsFile: opts.idsFile as string | undefined,
        },
        logger,
        (line) => process.stderr.write(`${line}\n`),
      );
      process.stdout.write(`${formatSummary(summary)}\n`);
      if (summary.failed > 0) process.exitCode = 1;
    });
  return root;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await program().parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(error instanceof RangeError ? 2 : 1);
  }
}

if (require.main === module) void main(process.argv.slice(2));
