import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
  listEnvironments,
  loadEnvironment,
  parseEnvironment,
  stackFilePath,
} from '../../infra/config/environment';
import { kedaRelease } from '../../infra/config/keda-release';
import { buildPlan, currentScaling, formatPlanTable, resolveProfile } from '../../infra/plan/report';

// The plan prints its recommendation as a `scaling:` block; pasted into the stack file it must load and
// describe exactly the ScaledObject that was simulated.
describe('recommendedStackScaling', () => {
  const cases = listEnvironments().flatMap((env) =>
    loadEnvironment(env).workloads.map((w) => [env, w.name] as const),
  );

  test.each(cases)('%s/%s: pasted into the stack file, it loads and is the simulated config', (env, name) => {
    const spec = loadEnvironment(env);
    const workload = spec.workloads.find((w) => w.name === name)!;
    const { plan } = buildPlan(spec, workload, resolveProfile('flash-sale', workload));

    const document = parseYaml(fs.readFileSync(stackFilePath(env), 'utf8')) as {
      config: Record<string, unknown>;
    };
    const workloads = (document.config['apsaramq-keda:workloads'] as Record<string, unknown>[]).map((w) =>
      w.name === name ? { ...w, scaling: plan.recommendedStackScaling } : w,
    );
    const edited = parseEnvironment(env, { ...document.config, 'apsaramq-keda:workloads': workloads });
    const reloaded = edited.workloads.find((w) => w.name === name)!;
    expect(currentScaling(reloaded, kedaRelease(spec), spec.kubernetes.version)).toEqual(
      plan.recommended.scaling,
    );
    expect(formatPlanTable(plan)).toContain(`scaling:\n  threshold: ${plan.recommended.scaling.threshold}\n`);
  });
});
