// A Pulumi program of another team under Pulumi's mocks, through the package's public entry point. The mocks
// answer as the alicloud and random providers read back what the tests below use: the instance's endpoints, a
// generated password (tests/pulumi/harness.ts holds the full mocks the repository's own suites use).
import * as pulumi from '@pulumi/pulumi';
import { ConsumerAccess, RocketMqMessaging } from 'apsaramq-keda/cloud';

interface Recorded {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

const INSTANCE_ID = 'rmq-cn-scratch1';

async function main(): Promise<void> {
  const recorded: Recorded[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        const inputs = args.inputs as Record<string, Record<string, unknown>>;
        switch (args.type) {
          case 'alicloud:rocketmq/rocketMQInstance:RocketMQInstance':
            // Source: resource_alicloud_rocketmq_instance.go Read: networkInfo.endpoints and ipWhitelists.
            return {
              id: INSTANCE_ID,
              state: {
                ...inputs,
                networkInfo: {
                  ...inputs.networkInfo,
                  endpoints: [
                    {
                      endpointType: 'TCP_VPC',
                      endpointUrl: `${INSTANCE_ID}-vpc.cn-hangzhou.rmq.aliyuncs.com:8080`,
                    },
                  ],
                },
                ipWhitelists: ['0.0.0.0/0'],
              },
            };
          case 'random:index/randomPassword:RandomPassword':
            // Source: @pulumi/random RandomPassword: `result` is computed, `length` characters.
            return { id: 'none', state: { ...inputs, result: 'P'.repeat(Number(inputs.length)) } };
          default:
            return { id: `${args.name}-id`, state: inputs };
        }
      },
      call(args) {
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    'scratch',
    'dev',
    false,
  );

  const messaging = new RocketMqMessaging('orders', {
    instance: {
      instanceName: 'orders-dev',
      seriesCode: 'standard',
      subSeriesCode: 'cluster_ha',
      msgProcessSpec: 'rmq.s2.2xlarge',
      paymentType: 'PayAsYouGo',
      vpcId: 'vpc-1',
      vSwitchIds: ['vsw-1'],
    },
    topics: [{ name: 'orders' }],
    consumerGroups: [{ id: 'orders-consumer' }],
  });
  const access = new ConsumerAccess('consumers', {
    instanceId: messaging.instanceId,
    workloads: [
      {
        name: 'orders',
        username: 'orders-consumer',
        topicName: messaging.topics.orders.topicName,
        consumerGroupId: messaging.consumerGroups['orders-consumer'].consumerGroupId,
      },
    ],
  });
  const settled = <T>(output: pulumi.Output<T>): Promise<T> =>
    new Promise((resolve) => output.apply((value) => resolve(value)));
  const vpcEndpoint = await settled(messaging.vpcEndpoint);
  const password = access.credentials.orders.password;
  const passwordLength = (await settled(password)).length;
  const passwordIsSecret = await pulumi.isSecret(password);
  // Waits for every outstanding registration.
  await pulumi.runtime.disconnect();
  process.stdout.write(JSON.stringify({ vpcEndpoint, passwordLength, passwordIsSecret, recorded }));
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
