/**
 * `pulumi preview` of a stack that does not exist yet: every id and computed output is unknown. The program
 * must declare every resource it declares on `pulumi up`, and throw nothing (no apply may assume a value).
 */
import * as pulumi from '@pulumi/pulumi';
import { listEnvironments, loadEnvironment } from '../../infra/config/environment';
import { isExistingInstance } from '../../infra/config/schema';
import { apsaraMqKedaStack, type StackOutputs } from '../../infra/pulumi/program';
import { type Run, runWithMocks, stackRuntime } from './harness';

const declared = (run: Run<unknown>) =>
  run.resources.map((r) => `${r.type} ${r.name} <- ${r.parent ?? '(stack)'}`).sort();

async function isKnown(output: pulumi.Output<unknown>): Promise<boolean> {
  return (output as unknown as { isKnown: Promise<boolean> }).isKnown;
}

// Whether the stack creates its instance (its id is unknown in a preview) or adopts an existing one.
const stacks = listEnvironments().map((env) => {
  const spec = loadEnvironment(env);
  return {
    env,
    selfManaged: spec.broker === 'self-managed',
    createsInstance: spec.broker === 'apsaramq' && !isExistingInstance(spec.instance),
  };
});

describe.each(stacks)('preview of stack $env', ({ env, selfManaged, createsInstance }) => {
  let preview: Run<StackOutputs>;
  let up: Run<StackOutputs>;

  beforeAll(async () => {
    const { config, secretKeys } = stackRuntime(env);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      preview = await runWithMocks(env, config, () => apsaraMqKedaStack(), { secretKeys, preview: true });
      up = await runWithMocks(env, config, () => apsaraMqKedaStack(), { secretKeys });
    } finally {
      warn.mockRestore();
    }
  });

  test('throws nothing and declares every resource that pulumi up declares', () => {
    expect(preview.error).toBeUndefined();
    expect(preview.providerErrors).toEqual([]);
    expect(declared(preview)).toEqual(declared(up));
    expect(preview.resources.length).toBeGreaterThan(0);
  });

  // issue 27: a self-managed stack creates nothing on a cloud; its hand-off is all from the stack file.
  test('the hand-off is known at preview exactly when the stack is self-managed, which declares no Alibaba Cloud resource', async () => {
    const outputs = preview.result as StackOutputs;
    expect(await isKnown(outputs.handoff)).toBe(selfManaged);
    const alibaba = preview.resources.filter((r) => r.type.startsWith('alicloud:'));
    expect(alibaba.length === 0).toBe(selfManaged);
  });

  // The ApsaraMQ stacks: their ids come from the cloud.
  if (!selfManaged) {
    test('leaves the ids and computed outputs unknown, and the hand-off with them', async () => {
      const outputs = preview.result as StackOutputs;
      expect(await isKnown(outputs.handoff)).toBe(false);
      const created = preview.resources.filter(
        (r) => r.type.endsWith(':RocketMQInstance') && r.readId === undefined,
      );
      expect(created.length).toBe(createsInstance ? 1 : 0);
      const topics = preview.resources.filter((r) => r.type.endsWith(':RocketMQTopic'));
      expect(topics.length).toBeGreaterThan(0);
      // The topics of a created instance wait for its unknown id instead of receiving a made-up one.
      const topicsWithAKnownId = topics.filter((t) => typeof t.inputs.instanceId === 'string');
      expect(createsInstance ? topicsWithAKnownId.map((t) => t.name) : []).toEqual([]);
    });
  }
});
