import { loadEnvironment, type WorkloadSpec } from '../../infra/config/environment';
import { buildPlan, currentFlags, resolveProfile } from '../../infra/plan/plan';
import { environmentsWithHandoff } from '../synth/helpers';

// The committed stacks are what newcomers copy: each workload's config is one its own plan does not flag, on
// steady traffic and on the flash sale (about 20 s: twelve plans).
describe('the committed examples follow their own advice', () => {
  const cases = environmentsWithHandoff().flatMap((env) =>
    loadEnvironment(env).workloads.flatMap((w) =>
      ['steady', 'flash-sale'].map((profile) => [env, w.name, profile] as const),
    ),
  );

  test.each(cases)('%s/%s on %s: nothing flagged', (env, name, profile) => {
    const spec = loadEnvironment(env);
    const w = spec.workloads.find((x) => x.name === name)!;
    expect(currentFlags(buildPlan(spec, w, resolveProfile(profile, w)).plan)).toEqual([]);
  });

  test('prod/order-fulfilment on the flash sale: the committed config, the recommendation, is run once', () => {
    // Its committed config is the recommendation and the demand config. Equal to the current column's run:
    // recommend's grid candidate of it and its extra candidate (2), the recommended and demand columns (2), the
    // second copy's six timer placements in the shortlist (5 run), the current column's placements (5).
    const spec = loadEnvironment('prod');
    const w = spec.workloads.find((x) => x.name === 'order-fulfilment')!;
    const run = buildPlan(spec, w, resolveProfile('flash-sale', w));
    expect(run.plan.recommended.scaling).toEqual(run.plan.demand.scaling);
    expect(run.timelines.recommended).toBe(run.timelines.current);
    expect(run.timelines.demand).toBe(run.timelines.current);
    expect(run.simulations.remembered).toBe(14);
  });

  test('dev before issue 28, on the backlog alone with min 0, is flagged for flapping on steady traffic', () => {
    // At 8 msg/s one pod (20 msg/s) empties the backlog, KEDA sees no backlog above activation 0 for its 300 s
    // cooldown and scales to zero; the backlog builds again and wakes it: a scale-down undone every cycle.
    const spec = loadEnvironment('dev');
    const committed = spec.workloads[0];
    const before: WorkloadSpec = {
      ...committed,
      scaling: {
        activationThreshold: 0,
        pollingIntervalSeconds: 15,
        cooldownPeriodSeconds: 300,
        fallback: { failureThreshold: 3 },
      },
    };
    const flags = currentFlags(buildPlan(spec, before, resolveProfile('steady', before)).plan);
    expect(flags.some((f) => f.startsWith('the current config flaps'))).toBe(true);
  });
});
