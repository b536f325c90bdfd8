/**
 * The self-managed stack (issue 27) through the real Pulumi engine with the stand-in providers: up creates the
 * generated passwords and the Secrets and nothing on Alibaba Cloud (no alicloud create, read or invoke reaches a
 * provider), a preview after it plans nothing, and destroy removes everything it created.
 */
import { describeWith } from '../e2e/harness/availability';
import { PULUMI_CLI_VERSION, pulumiBinary } from './engine/build-cli';
import { collectSteps, type EngineStack, openStack } from './engine/engine-harness';

// Cold plugin starts and a program run per operation on a shared 2-core machine.
const OPERATION_TIMEOUT_MS = 8 * 60_000;
const ENV = 'selfhosted';

describeWith(
  [pulumiBinary()],
  `build the Pulumi CLI v${PULUMI_CLI_VERSION}: npx tsx tests/pulumi/engine/build-cli-cli.ts`,
)('the Pulumi engine on the self-managed stack', () => {
  let engine: EngineStack;

  beforeAll(async () => {
    engine = await openStack(ENV);
  }, OPERATION_TIMEOUT_MS);

  afterAll(() => engine?.dispose());

  test(
    'up creates two passwords and two Secrets, and no provider operation is of an alicloud type',
    async () => {
      const up = await engine.run('up');
      expect(up.error).toBeUndefined();
      const ledger = engine.ledger();
      expect(ledger.filter((l) => l.type.startsWith('alicloud:'))).toEqual([]);
      // Worked out from stacks/Pulumi.selfhosted.yaml: workload invoice-posting, producer invoice-load, auth none.
      expect(
        ledger
          .filter((l) => l.op === 'create')
          .map((l) => `${l.type} ${l.name}`)
          .sort(),
      ).toEqual([
        'kubernetes:core/v1:Secret cluster-secrets-invoice-load-credentials',
        'kubernetes:core/v1:Secret cluster-secrets-invoice-posting-credentials',
        'random:index/randomPassword:RandomPassword accounts-invoice-load-password',
        'random:index/randomPassword:RandomPassword accounts-invoice-posting-password',
      ]);
    },
    OPERATION_TIMEOUT_MS,
  );

  test(
    'a preview after up plans no change',
    async () => {
      const preview = await engine.run('preview');
      expect(preview.error).toBeUndefined();
      expect(collectSteps(preview.events, 'pre').filter((s) => s.op !== 'same')).toEqual([]);
    },
    OPERATION_TIMEOUT_MS,
  );

  test(
    'destroy deletes everything up created',
    async () => {
      engine.clearLedger();
      const { error } = await engine.run('destroy');
      expect(error).toBeUndefined();
      expect(
        engine
          .ledger()
          .filter((l) => l.op === 'delete')
          .map((l) => l.name)
          .sort(),
      ).toEqual([
        'accounts-invoice-load-password',
        'accounts-invoice-posting-password',
        'cluster-secrets-invoice-load-credentials',
        'cluster-secrets-invoice-posting-credentials',
      ]);
    },
    OPERATION_TIMEOUT_MS,
  );
});
