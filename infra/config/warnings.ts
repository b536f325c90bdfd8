/**
 * What a valid environment spec may still get wrong: notes printed by synth and `pulumi up`, never a failure.
 */
import { displayPath } from './errors';
import { defaultStacksDir, stackFilePath } from './environment';
import type { EnvironmentSpec } from './schema';

/**
 * One line per consumer group without a deadLetterTopic. Source: ApsaraMQ for RocketMQ 5.x "Dead-letter
 * messages" (alibabacloud.com/help/en/apsaramq-for-rocketmq/cloud-message-queue-rocketmq-5-x-series/
 * developer-reference/dead-letter-messages): "By default, ApsaraMQ for RocketMQ discards dead-letter messages".
 * A self-managed Apache RocketMQ 5.x always writes them to %DLQ%<group> (apache/rocketmq 5.3.3 broker
 * AbstractSendMessageProcessor.consumerSendMsgBack, reached from the proxy's PopMessageResultFilterImpl TO_DLQ).
 */
export function deadLetterWarnings(spec: EnvironmentSpec, stacksDir = defaultStacksDir()): string[] {
  const file = displayPath(stackFilePath(spec.name, stacksDir));
  return spec.consumerGroups.flatMap((group, i) =>
    group.deadLetterTopic !== undefined
      ? []
      : [
          `${file}: consumerGroups[${i}].deadLetterTopic is not set (group "${group.id}", maxRetryTimes ${group.maxRetryTimes}): on ApsaraMQ 5.x a message still failing after its last retry is discarded; set deadLetterTopic to one of topics[].name to keep it`,
        ],
  );
}
