/**
 * The ARMS lookup goes to the provider the component was given: an explicit alicloud provider (another region or
 * account) reaches the invoke only through the component as its parent.
 */
import * as alicloud from '@pulumi/alicloud';
import { PrometheusAccess } from '../../constructs/cloud';
import { ARMS_LOOKUP, runWithMocks } from '../pulumi/harness';

const INSTANCE = 'c0fakedev0000000000000000000000000';

describe('PrometheusAccess lookup provider', () => {
  test("the lookup uses the component's alicloud provider", async () => {
    const r = await runWithMocks('test', { 'alicloud:region': 'cn-hangzhou' }, () => {
      const shanghai = new alicloud.Provider('shanghai', { region: 'cn-shanghai' });
      return new PrometheusAccess('p', { auth: 'token', instanceId: INSTANCE }, { providers: [shanghai] });
    });
    expect(r.error).toBeUndefined();
    expect(r.calls.map((c) => [c.token, c.provider])).toEqual([
      [ARMS_LOOKUP, 'urn:pulumi:test::apsaramq-keda::pulumi:providers:alicloud::shanghai::shanghai-0b2f7c3e'],
    ]);
  });

  test('without one, the default provider', async () => {
    const r = await runWithMocks('test', { 'alicloud:region': 'cn-hangzhou' }, () => {
      return new PrometheusAccess('p', { auth: 'token', instanceId: INSTANCE });
    });
    expect(r.calls.map((c) => [c.token, c.provider])).toEqual([[ARMS_LOOKUP, undefined]]);
  });
});
