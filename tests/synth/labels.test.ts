import { loadEnvironment } from '../../infra/config/environment';
import { environmentsWithHandoff, find, synthObjects } from './helpers';

interface Selecting {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template?: { metadata: { labels: Record<string, string> } };
  };
}

describe.each(environmentsWithHandoff())('selector labels of %s', (environment) => {
  const spec = loadEnvironment(environment);
  const objects = synthObjects(environment);

  test.each(spec.workloads.map((w) => w.name))(
    '%s: Deployment and PDB select by the stack file scheme',
    (name) => {
      // Worked out from kubernetes.selectorScheme, not from labels.ts.
      const expected =
        spec.kubernetes.selectorScheme === 'instance-label'
          ? { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${name}-${environment}` }
          : { 'app.kubernetes.io/name': name, 'apsaramq-keda/environment': environment };
      const deployment = find(objects, 'Deployment', name) as unknown as Selecting;
      expect(deployment.spec.selector.matchLabels).toEqual(expected);
      expect(deployment.spec.template?.metadata.labels).toMatchObject(expected);
      const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === name);
      // A PDB exists only for min >= 2; each one there is selects the same pods.
      expect(pdbs.map((p) => (p as unknown as Selecting).spec.selector.matchLabels)).toEqual(
        pdbs.map(() => expected),
      );
    },
  );
});

const environmentScheme = environmentsWithHandoff().filter(
  (env) => loadEnvironment(env).kubernetes.selectorScheme === 'environment',
);

test.each(environmentScheme)(
  '%s: no object carries app.kubernetes.io/instance (Argo CD owns it)',
  (environment) => {
    const labelled = synthObjects(environment).filter((o) =>
      JSON.stringify(o).includes('app.kubernetes.io/instance'),
    );
    expect(labelled.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  },
);

test('dev uses the default scheme; staging and prod keep the selector they were deployed with', () => {
  expect(loadEnvironment('dev').kubernetes.selectorScheme).toBe('environment');
  expect(loadEnvironment('staging').kubernetes.selectorScheme).toBe('instance-label');
  expect(loadEnvironment('prod').kubernetes.selectorScheme).toBe('instance-label');
});
