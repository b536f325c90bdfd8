/** `npx tsx tests/e2e/harness/resolve-cli.ts`: resolves the RocketMQ jars into the Maven cache before jest runs. */
import { ROCKETMQ_VERSION, rocketMqClasspath } from './rocketmq';

const started = Date.now();
const jars = rocketMqClasspath().split(':').length;
console.log(`RocketMQ ${ROCKETMQ_VERSION}: ${jars} jars resolved in ${Date.now() - started} ms`);
