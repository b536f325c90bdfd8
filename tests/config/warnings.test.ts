import { loadEnvironment } from '../../infra/config/environment';
import { deadLetterWarnings } from '../../infra/config/warnings';

const rest =
  'on ApsaraMQ 5.x a message still failing after its last retry is discarded; set deadLetterTopic to one of topics[].name to keep it';

describe('deadLetterWarnings', () => {
  test.each([
    ['dev', []],
    [
      'staging',
      [
        `stacks/Pulumi.staging.yaml: consumerGroups[0].deadLetterTopic is not set (group "order-fulfilment", maxRetryTimes 16): ${rest}`,
        `stacks/Pulumi.staging.yaml: consumerGroups[1].deadLetterTopic is not set (group "legacy-billing", maxRetryTimes 8): ${rest}`,
      ],
    ],
    [
      'prod',
      [
        `stacks/Pulumi.prod.yaml: consumerGroups[1].deadLetterTopic is not set (group "order-analytics", maxRetryTimes 3): ${rest}`,
        `stacks/Pulumi.prod.yaml: consumerGroups[2].deadLetterTopic is not set (group "payment-ledger", maxRetryTimes 32): ${rest}`,
      ],
    ],
  ])('%s: one line per group without a deadLetterTopic', (environment, expected) => {
    expect(deadLetterWarnings(loadEnvironment(environment))).toEqual(expected);
  });
});
