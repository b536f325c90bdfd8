/** The mocks answer as the provider does (checked against its source), not by echoing the inputs. */
import * as alicloud from '@pulumi/alicloud';
import { CLUSTER_CREDENTIAL, DEFAULT_IP_WHITELIST, runWithMocks, valueOf } from './harness';

const network = {
  vpcInfo: { vpcId: 'vpc-x', vswitches: [{ vswitchId: 'vsw-a' }, { vswitchId: 'vsw-b' }] },
  internetInfo: { internetSpec: 'disable', flowOutType: 'uninvolved' },
};
const instance = (extra: Partial<alicloud.rocketmq.RocketMQInstanceArgs>) =>
  new alicloud.rocketmq.RocketMQInstance('i', {
    instanceName: 'orders-mock',
    serviceCode: 'rmq',
    seriesCode: 'standard',
    subSeriesCode: 'cluster_ha',
    paymentType: 'PayAsYouGo',
    productInfo: { msgProcessSpec: 'rmq.s2.2xlarge' },
    networkInfo: network,
    ...extra,
  });

describe('the provider mocks', () => {
  test('fail a serverless create without its commodity code, as CreateInstance does (issue #8916)', async () => {
    const run = await runWithMocks('test', { 'alicloud:region': 'cn-hangzhou' }, () =>
      instance({ subSeriesCode: 'serverless', productInfo: { msgProcessSpec: 'rmq.s3.nxlarge' } }),
    );
    expect(run.providerErrors).toEqual([
      'i: alicloud_rocketmq_instance create failed: Code: Missingnull, Parameter null is mandatory for this action (serverless commodityCode)',
    ]);
  });

  test('read the allowlist of a new instance back with the default 0.0.0.0/0 beside the configured entries', async () => {
    const run = await runWithMocks('test', { 'alicloud:region': 'cn-hangzhou' }, () =>
      instance({ ipWhitelists: ['10.0.0.0/16'] }),
    );
    const created = run.result as alicloud.rocketmq.RocketMQInstance;
    expect(await valueOf(created.ipWhitelists)).toEqual([DEFAULT_IP_WHITELIST, '10.0.0.0/16']);
    expect(await valueOf(created.commodityCode)).toBe('ons_rmqpost_public_cn');
    expect(await valueOf(created.status)).toBe('RUNNING');
    expect(await valueOf(created.id)).toMatch(/^rmq-cn-[a-z0-9]+$/);
  });

  test('answer the ACK credential with a kubeconfig of that cluster, one call per lookup', async () => {
    const run = await runWithMocks('test', { 'alicloud:region': 'cn-hangzhou' }, () => ({
      credential: alicloud.cs.getClusterCredentialOutput({ clusterId: 'c0fake0000000000000000' }),
      other: alicloud.cs.getClusterCredentialOutput({ clusterId: 'c0fake0000000000000001' }),
    }));
    expect(run.calls.map((c) => c.token)).toEqual([CLUSTER_CREDENTIAL, CLUSTER_CREDENTIAL]);
    const credential = await valueOf(run.result!.credential);
    expect(credential.clusterId).toBe('c0fake0000000000000000');
    expect(credential.kubeConfig).toContain('c0fake0000000000000000');
  });
});
