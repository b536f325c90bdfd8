// The scaling math through the package's public entry point: plain numbers in, plain numbers out.
import { consumerShutdownSeconds, hpaExternalProposal, thresholdFor } from 'apsaramq-keda/scaling';

process.stdout.write(
  JSON.stringify({
    threshold: thresholdFor({ messagesPerSecondPerPod: 20, targetDrainSeconds: 30 }),
    shutdownSeconds: consumerShutdownSeconds({ maxProcessingSeconds: 10, messagesPerSecondPerPod: 200 }),
    proposal: hpaExternalProposal({ statusReplicas: 2, metricValue: 3000, targetAverageValue: 600 }),
  }),
);
