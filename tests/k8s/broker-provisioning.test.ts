/**
 * BrokerProvisioning and its script (issue 27): what the Job runs, the name that changes with what it applies,
 * credentials by reference only, and the rules with their exact messages. The real broker runs the script in
 * tests/e2e/broker-provisioning.test.ts.
 */
import { Chart, Testing } from 'cdk8s';
import {
  BrokerProvisioning,
  type BrokerProvisioningProps,
  ConstructPropsError,
  provisioningScript,
  shellWord,
} from '../../constructs/k8s';
import { testApp } from '../shared/scratch';

const PROPS: BrokerProvisioningProps = {
  name: 'rocketmq-provisioning',
  environment: 'selfhosted',
  nameServer: 'rocketmq-namesrv.rocketmq.svc:9876',
  brokerCluster: 'DefaultCluster',
  adminSecretName: 'rocketmq-admin',
  image: 'apache/rocketmq:5.3.3',
  topics: [{ name: 'invoices', messageType: 'NORMAL', queues: 8 }],
  groups: [{ name: 'invoice-posting', orderly: false, retryMaxTimes: 16 }],
  users: [
    {
      username: 'selfhosted-invoice-posting',
      credentialsSecretName: 'invoice-posting-rocketmq-credentials',
      grants: [
        { resource: 'Topic:invoices', actions: ['Sub'] },
        { resource: 'Group:invoice-posting', actions: ['Sub'] },
      ],
    },
  ],
};

interface Obj {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: {
    backoffLimit: number;
    template: {
      spec: {
        restartPolicy: string;
        containers: {
          image: string;
          command: string[];
          env: { name: string; value?: string; valueFrom?: unknown }[];
        }[];
      };
    };
  };
}

function synth(props: BrokerProvisioningProps): Obj[] {
  const chart = new Chart(testApp(), 'test');
  new BrokerProvisioning(chart, 'p', props);
  return Testing.synth(chart) as Obj[];
}

describe('BrokerProvisioning', () => {
  test('a ConfigMap with the script and a Job that runs it with the env it names', () => {
    const [configMap, job] = synth(PROPS);
    expect(configMap.kind).toBe('ConfigMap');
    expect(configMap.metadata.name).toBe('rocketmq-provisioning');
    const script = configMap.data!['provision.sh'];
    expect(script.split('\n').slice(-11)).toEqual([
      // Before any write: a cluster with no master at the name server fails the Job (mqadmin would exit 0).
      'require_master',
      'mq updateTopic -t invoices -r 8 -w 8 -a +message.type=NORMAL',
      'echo "topic invoices: applied (8 queues, NORMAL)"',
      'mq updateSubGroup -g invoice-posting -r 16 -o false',
      'echo "group invoice-posting: applied (retryMaxTimes 16, orderly false)"',
      'ensure_user selfhosted-invoice-posting "${USER_0_PASSWORD:?password of selfhosted-invoice-posting}"',
      'grant User:selfhosted-invoice-posting Topic:invoices Sub',
      'grant User:selfhosted-invoice-posting Group:invoice-posting Sub',
      'keep_only User:selfhosted-invoice-posting Topic:invoices Group:invoice-posting',
      'echo "provisioning complete"',
      '',
    ]);
    expect(job.kind).toBe('Job');
    expect(job.metadata.name).toMatch(/^rocketmq-provisioning-[0-9a-f]{10}$/);
    const pod = job.spec!.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers[0].command).toEqual(['/bin/sh', '/scripts/provision.sh']);
    expect(pod.containers[0].env).toEqual([
      { name: 'NAMESRV', value: 'rocketmq-namesrv.rocketmq.svc:9876' },
      { name: 'CLUSTER', value: 'DefaultCluster' },
      { name: 'ADMIN_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'rocketmq-admin', key: 'accessKey' } } },
      { name: 'ADMIN_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'rocketmq-admin', key: 'secretKey' } } },
      {
        name: 'USER_0_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'invoice-posting-rocketmq-credentials', key: 'password' } },
      },
    ]);
  });

  test('the Job name is the same for the same plan and changes with a grant, a topic or the image', () => {
    const name = (props: BrokerProvisioningProps) => synth(props)[1].metadata.name;
    expect(name(PROPS)).toBe(name({ ...PROPS }));
    const changedGrant = {
      ...PROPS,
      users: [{ ...PROPS.users[0], grants: [{ resource: 'Topic:invoices', actions: ['Sub', 'Pub'] }] }],
    };
    const names = [
      name(PROPS),
      name(changedGrant),
      name({ ...PROPS, topics: [{ name: 'invoices', messageType: 'NORMAL', queues: 16 }] }),
      name({ ...PROPS, image: 'apache/rocketmq:5.3.2' }),
    ];
    expect(new Set(names).size).toBe(4);
  });

  test('refuses invalid props, every violation at once, naming the prop', () => {
    let caught: unknown;
    try {
      synth({
        ...PROPS,
        nameServer: 'namesrv',
        adminSecretName: 'Admin_Secret',
        image: 'apache/rocketmq',
        topics: [{ name: 'invoices', messageType: 'NORMAL', queues: 0 }],
        users: [{ ...PROPS.users[0], grants: [{ resource: 'Queue:x', actions: [] }] }],
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConstructPropsError);
    expect((caught as ConstructPropsError).violations).toEqual([
      'nameServer ("namesrv") must be host:port',
      'adminSecretName ("Admin_Secret") must be a Secret name',
      'image ("apache/rocketmq") must pin a tag or digest',
      'topics[0].queues (0) must be a positive integer',
      'users[0].grants[0].resource ("Queue:x") must be Topic:<name> or Group:<name>',
      'users[0].grants[0].actions must list at least one action',
    ]);
  });
});

describe('provisioningScript', () => {
  test.each([
    ['invoices', 'invoices'],
    ['+message.type=FIFO', '+message.type=FIFO'],
    ["it's", "'it'\\''s'"],
    ['a b', "'a b'"],
    ['$(rm -rf /)', "'$(rm -rf /)'"],
  ])('shellWord(%j) is %s', (value, word) => {
    expect(shellWord(value)).toBe(word);
  });

  test('holds no value of a password: only the variables that carry them', () => {
    const script = provisioningScript({
      topics: [],
      groups: [],
      users: [{ username: 'u', passwordVariable: 'USER_0_PASSWORD', grants: [] }],
    });
    expect(script).toContain('ensure_user u "${USER_0_PASSWORD:?password of u}"');
    expect(script.startsWith('#!/bin/sh\nset -eu\n')).toBe(true);
  });
});
