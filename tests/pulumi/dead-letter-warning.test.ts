/**
 * `pulumi up` warns once per consumer group without a deadLetterTopic: on ApsaraMQ 5.x its exhausted retries
 * are discarded (infra/config/warnings.ts).
 */
import { apsaraMqKedaStack } from '../../infra/pulumi/program';
import { runWithMocks, stackRuntime } from './harness';

describe('the Pulumi program', () => {
  test('prod: warns for order-analytics and payment-ledger, which have no deadLetterTopic', async () => {
    const { config, secretKeys } = stackRuntime('prod');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    let warnings: string[];
    let run;
    try {
      run = await runWithMocks('prod', config, () => apsaraMqKedaStack(), { secretKeys });
      warnings = warn.mock.calls.map((c) => String(c[0]));
    } finally {
      warn.mockRestore();
    }
    expect(run.error).toBeUndefined();
    expect(warnings.filter((w) => w.includes('deadLetterTopic is not set'))).toEqual([
      expect.stringContaining(
        'stacks/Pulumi.prod.yaml: consumerGroups[1].deadLetterTopic is not set (group "order-analytics", maxRetryTimes 3)',
      ),
      expect.stringContaining(
        'stacks/Pulumi.prod.yaml: consumerGroups[2].deadLetterTopic is not set (group "payment-ledger", maxRetryTimes 32)',
      ),
    ]);
  });
});
