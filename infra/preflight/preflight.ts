/**
 * The preflight's checks of one environment's manifests against a cluster, in order: the KEDA release the
 * operator runs, the external metrics API, every KEDA field the manifests use in the cluster's CRDs, every
 * TriggerAuthentication's Secret and keys, the broker's metrics of the instance in that Prometheus (the ARMS
 * integration), and every prometheus trigger's query answered with one series by the environment's Prometheus
 * with the cluster's credentials. Read-only: GETs only, nothing applied.
 */
import {
  apiServiceAvailability,
  type ApiServiceView,
  brokerMetricsQuery,
  type CheckResult,
  classifyQueryAnswer,
  demandArrivalQuery,
  judgeDemandArrival,
  type DeploymentView,
  excerpt,
  judgeBrokerMetrics,
  kedaVersionOf,
  missingSecretKeys,
  redact,
} from './classify';
import type { BrokerClusterSelector } from '../../constructs/shared';
import { type CrdView, crdName, manifestProblems } from './crd-fields';
import type { Answer, KubeApi } from './http';

/** A synthesized object, as the checks read it. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: unknown;
}

interface SecretRef {
  readonly parameter: string;
  readonly name: string;
  readonly key: string;
}

interface Trigger {
  readonly type: string;
  readonly name?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly authenticationRef?: { readonly name: string; readonly kind?: string };
}

export interface PreflightInput {
  readonly environment: string;
  /** The hand-off's ApsaraMQ instance id (its metrics carry `instance_id`), or its self-managed broker cluster. */
  readonly broker: string | BrokerClusterSelector;
  /** The environment's manifests (synthesized in memory). */
  readonly manifests: readonly Manifest[];
  /** The KEDA release the stack pins (infra/config/keda-release.ts kedaRelease). */
  readonly kedaVersion: string;
  readonly kube: KubeApi;
  /** Sends KEDA's instant query (http.ts prometheusQuery). */
  readonly query: (serverAddress: string, query: string, headers: Record<string, string>) => Promise<Answer>;
}

/** The plural of each KEDA kind the manifests hold (config/crd/bases of the KEDA module). */
const KEDA_PLURALS: Readonly<Record<string, string>> = {
  ScaledObject: 'scaledobjects',
  TriggerAuthentication: 'triggerauthentications',
};

/** The APIService KEDA's metrics server registers (config/metrics-server/api_service.yaml). */
export const EXTERNAL_METRICS_API_SERVICE = 'v1beta1.external.metrics.k8s.io';

function objectName(m: Manifest): string {
  return `${m.kind} ${m.metadata.namespace ?? 'default'}/${m.metadata.name}`;
}

function parsed<T>(answer: Answer): T {
  return JSON.parse(answer.text) as T;
}

/** A GET that names the path and status when the API server refuses it (401, 403, 500, ...). */
async function getOrNotFound<T>(kube: KubeApi, urlPath: string): Promise<T | undefined> {
  const answer = await kube.get(urlPath);
  if (answer.status === 404) return undefined;
  if (answer.status !== 200) throw new Error(`GET ${urlPath}: HTTP ${answer.status} ${excerpt(answer.text)}`);
  return parsed<T>(answer);
}

async function guarded(
  base: Pick<CheckResult, 'check' | 'object'>,
  run: () => Promise<CheckResult[]>,
  fix: string,
): Promise<CheckResult[]> {
  try {
    return await run();
  } catch (error) {
    return [{ ...base, status: 'FAIL', message: (error as Error).message, fix }];
  }
}

async function kedaVersionCheck(input: PreflightInput): Promise<CheckResult[]> {
  const base = { check: 'keda-version', object: 'Deployment keda-operator' } as const;
  const pinned = input.kedaVersion;
  const upgrade = `run KEDA ${pinned} (the ack-keda add-on version the stack pins in kubernetes.kedaAddonVersion)`;
  return guarded(
    base,
    async () => {
      // The Helm chart and the release YAML label the operator app.kubernetes.io/name=keda-operator; an
      // install without that label is found by its name (config/manager/manager.yaml).
      let list = await getOrNotFound<{ items: DeploymentView[] }>(
        input.kube,
        `/apis/apps/v1/deployments?labelSelector=${encodeURIComponent('app.kubernetes.io/name=keda-operator')}`,
      );
      if (list === undefined || list.items.length === 0) {
        list = await getOrNotFound<{ items: DeploymentView[] }>(
          input.kube,
          `/apis/apps/v1/deployments?fieldSelector=${encodeURIComponent('metadata.name=keda-operator')}`,
        );
      }
      const items = list?.items ?? [];
      if (items.length === 0) {
        return [
          { ...base, status: 'FAIL', message: 'no KEDA operator Deployment in the cluster', fix: upgrade },
        ];
      }
      return items.map((d): CheckResult => {
        const object = `Deployment ${d.metadata.namespace ?? 'default'}/${d.metadata.name}`;
        const found = kedaVersionOf(d);
        if (found === undefined) {
          return {
            check: 'keda-version',
            object,
            status: 'FAIL',
            message: 'no release number in its app.kubernetes.io/version label nor in its image tag',
            fix: `label it app.kubernetes.io/version=${pinned} if it runs ${pinned}, else ${upgrade}`,
          };
        }
        return found.version === pinned
          ? { check: 'keda-version', object, status: 'ok', message: `KEDA ${found.version} (${found.from})` }
          : {
              check: 'keda-version',
              object,
              status: 'FAIL',
              message: `KEDA ${found.version} (${found.from}), the stack pins ${pinned}`,
              fix: upgrade,
            };
      });
    },
    upgrade,
  );
}

async function metricsApiCheck(input: PreflightInput): Promise<CheckResult[]> {
  const base = { check: 'metrics-api', object: `APIService ${EXTERNAL_METRICS_API_SERVICE}` } as const;
  const fix =
    "KEDA's metrics API server must serve it: kubectl describe apiservice " +
    `${EXTERNAL_METRICS_API_SERVICE} and the keda-operator-metrics-apiserver logs`;
  return guarded(
    base,
    async () => {
      const apiService = await getOrNotFound<ApiServiceView>(
        input.kube,
        `/apis/apiregistration.k8s.io/v1/apiservices/${EXTERNAL_METRICS_API_SERVICE}`,
      );
      if (apiService === undefined) return [{ ...base, status: 'FAIL', message: 'not registered', fix }];
      const availability = apiServiceAvailability(apiService);
      return [
        availability.available
          ? { ...base, status: 'ok', message: 'Available' }
          : { ...base, status: 'FAIL', message: availability.why, fix },
      ];
    },
    fix,
  );
}

async function crdFieldChecks(input: PreflightInput): Promise<CheckResult[]> {
  const crds = new Map<string, Promise<CrdView | undefined>>();
  const results: CheckResult[] = [];
  const fix = `install the CRDs of KEDA ${input.kedaVersion} (the release the manifests are written for)`;
  for (const m of input.manifests) {
    const plural = KEDA_PLURALS[m.kind];
    if (plural === undefined) continue;
    const name = crdName(plural, m.apiVersion);
    const base = { check: 'crd-fields', object: objectName(m) } as const;
    if (!crds.has(name)) {
      crds.set(
        name,
        getOrNotFound<CrdView>(input.kube, `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`),
      );
    }
    results.push(
      ...(await guarded(
        base,
        async () => {
          const crd = await crds.get(name)!;
          if (crd === undefined)
            return [{ ...base, status: 'FAIL', message: `CRD ${name} is not installed`, fix }];
          const problems = manifestProblems(m, crd);
          return [
            problems.length === 0
              ? { ...base, status: 'ok', message: `every field is in ${name}` }
              : { ...base, status: 'FAIL', message: problems.join('; '), fix },
          ];
        },
        fix,
      )),
    );
  }
  return results;
}

function secretRefsOf(auth: Manifest): SecretRef[] {
  return ((auth.spec as { secretTargetRef?: SecretRef[] } | undefined)?.secretTargetRef ?? []).slice();
}

/** A Secret of a namespace, read once: its decoded values by key, or undefined when it does not exist. */
type SecretReader = (namespace: string, name: string) => Promise<Map<string, string> | undefined>;

function secretReader(kube: KubeApi): SecretReader {
  const cache = new Map<string, Promise<Map<string, string> | undefined>>();
  return (namespace, name) => {
    const key = `${namespace}/${name}`;
    if (!cache.has(key)) {
      cache.set(
        key,
        getOrNotFound<{ data?: Record<string, string> }>(
          kube,
          `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`,
        ).then((secret) =>
          secret === undefined
            ? undefined
            : new Map(
                Object.entries(secret.data ?? {}).map(([k, v]) => [
                  k,
                  Buffer.from(v, 'base64').toString('utf8'),
                ]),
              ),
        ),
      );
    }
    return cache.get(key)!;
  };
}

async function secretChecks(input: PreflightInput, read: SecretReader): Promise<CheckResult[]> {
  // One line per Secret: the keys every TriggerAuthentication of the environment reads from it.
  const wanted = new Map<string, { namespace: string; name: string; keys: Set<string>; by: string[] }>();
  for (const auth of input.manifests.filter((m) => m.kind === 'TriggerAuthentication')) {
    const namespace = auth.metadata.namespace ?? 'default';
    for (const ref of secretRefsOf(auth)) {
      const id = `${namespace}/${ref.name}`;
      const entry = wanted.get(id) ?? { namespace, name: ref.name, keys: new Set<string>(), by: [] };
      entry.keys.add(ref.key);
      if (!entry.by.includes(auth.metadata.name)) entry.by.push(auth.metadata.name);
      wanted.set(id, entry);
    }
  }
  const results: CheckResult[] = [];
  for (const [id, { namespace, name, keys, by }] of wanted) {
    const base = { check: 'secret', object: `Secret ${id}` } as const;
    const keyList = [...keys].sort().join(', ');
    const fix =
      `run pulumi up --stack ${input.environment} (it writes the Secret when kubernetes.createSecrets is true), ` +
      `or create Secret ${name} in namespace ${namespace} with keys ${keyList}`;
    results.push(
      ...(await guarded(
        base,
        async () => {
          const values = await read(namespace, name);
          const readers = `read by TriggerAuthentication ${by.join(', ')}`;
          if (values === undefined)
            return [{ ...base, status: 'FAIL', message: `not found (${readers})`, fix }];
          const missing = missingSecretKeys(values.keys(), keys);
          return [
            missing.length === 0
              ? { ...base, status: 'ok', message: `keys ${keyList} present (${readers})` }
              : { ...base, status: 'FAIL', message: `lacks keys ${missing.join(', ')} (${readers})`, fix },
          ];
        },
        fix,
      )),
    );
  }
  return results;
}

/** The auth header KEDA's prometheus scaler sends for the trigger's authModes (ExecutePromQuery's switch). */
export function authHeaders(
  mode: string | undefined,
  params: ReadonlyMap<string, string>,
): Record<string, string> {
  const modes = (mode ?? '').split(',').map((m) => m.trim());
  if (modes.includes('bearer')) return { authorization: `Bearer ${params.get('bearerToken') ?? ''}` };
  if (modes.includes('basic')) {
    const pair = `${params.get('username') ?? ''}:${params.get('password') ?? ''}`;
    return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
  }
  if (modes.includes('custom')) {
    const header = params.get('customAuthHeader');
    return header === undefined || header === '' ? {} : { [header]: params.get('customAuthValue') ?? '' };
  }
  return {};
}

/** The headers KEDA sends for a trigger, from its TriggerAuthentication's Secrets; or the key that is missing. */
async function triggerHeaders(
  input: PreflightInput,
  read: SecretReader,
  namespace: string,
  trigger: Trigger,
): Promise<
  | { readonly headers: Record<string, string>; readonly secrets: string[] }
  | { readonly missing: string; readonly authName: string; readonly secret: string }
> {
  const params = new Map<string, string>();
  const secrets: string[] = [];
  const authName = trigger.authenticationRef?.name;
  if (authName !== undefined) {
    const auth = input.manifests.find(
      (m) =>
        m.kind === 'TriggerAuthentication' &&
        m.metadata.name === authName &&
        (m.metadata.namespace ?? 'default') === namespace,
    );
    for (const ref of auth === undefined ? [] : secretRefsOf(auth)) {
      const value = (await read(namespace, ref.name))?.get(ref.key);
      if (value === undefined) return { missing: ref.key, authName, secret: `${namespace}/${ref.name}` };
      params.set(ref.parameter, value);
      // The header's name (Authorization) is no secret; redacting it would only garble messages.
      if (ref.parameter !== 'customAuthHeader') secrets.push(value);
    }
  }
  return { headers: authHeaders(trigger.metadata?.authModes, params), secrets };
}

/** The prometheus triggers of the ScaledObjects, in order, with their namespace. */
function prometheusTriggers(input: PreflightInput): { so: Manifest; index: number; trigger: Trigger }[] {
  return input.manifests
    .filter((m) => m.kind === 'ScaledObject')
    .flatMap((so) =>
      ((so.spec as { triggers?: Trigger[] } | undefined)?.triggers ?? []).map((trigger, index) => ({
        so,
        index,
        trigger,
      })),
    )
    .filter(({ trigger }) => trigger.type === 'prometheus');
}

/**
 * Whether the instance's metrics are in the Prometheus the first trigger reads, with its credentials: the guide's
 * ARMS integration, which no provider resource enables (infra/README.md). One line per environment.
 */
async function brokerMetricsCheck(input: PreflightInput, read: SecretReader): Promise<CheckResult[]> {
  const first = prometheusTriggers(input)[0];
  if (first === undefined) return [];
  const serverAddress = first.trigger.metadata?.serverAddress ?? '';
  const object =
    typeof input.broker === 'string' ? `instance ${input.broker}` : `broker cluster ${input.broker.name}`;
  const base = { check: 'broker-metrics', object } as const;
  let secrets: string[] = [];
  const results = await guarded(
    base,
    async () => {
      const auth = await triggerHeaders(input, read, first.so.metadata.namespace ?? 'default', first.trigger);
      if ('missing' in auth) {
        return [
          {
            ...base,
            status: 'FAIL',
            message: `not queried: TriggerAuthentication ${auth.authName} needs key ${auth.missing} of Secret ${auth.secret}`,
            fix: 'see the secret check',
          },
        ];
      }
      secrets = auth.secrets;
      const answer = await input.query(serverAddress, brokerMetricsQuery(input.broker), auth.headers);
      const judged = judgeBrokerMetrics(classifyQueryAnswer(answer.status, answer.text), {
        scope: input.broker,
        serverAddress,
        environment: input.environment,
      });
      return [{ ...base, ...judged }];
    },
    `${serverAddress} must be reachable from where preflight runs (the intranet address only inside the VPC)`,
  );
  // An answer or an error text may echo what was sent.
  return results.map((r) => ({ ...r, message: redact(r.message, secrets) }));
}

async function queryChecks(input: PreflightInput, read: SecretReader): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const { so, index: i, trigger } of prometheusTriggers(input)) {
    const namespace = so.metadata.namespace ?? 'default';
    const base = { check: 'query', object: `${objectName(so)} trigger ${trigger.name ?? i}` } as const;
    const serverAddress = trigger.metadata?.serverAddress ?? '';
    let secrets: string[] = [];
    results.push(
      ...(await guarded(
        base,
        async () => {
          // The parameters KEDA resolves from the TriggerAuthentication's Secrets.
          const auth = await triggerHeaders(input, read, namespace, trigger);
          if ('missing' in auth) {
            return [
              {
                ...base,
                status: 'FAIL',
                message: `not queried: TriggerAuthentication ${auth.authName} needs key ${auth.missing} of Secret ${auth.secret}`,
                fix: 'see the secret check',
              },
            ];
          }
          secrets = auth.secrets;
          const answer = await input.query(serverAddress, trigger.metadata?.query ?? '', auth.headers);
          const outcome = classifyQueryAnswer(answer.status, answer.text);
          switch (outcome.kind) {
            case 'one':
              return [
                { ...base, status: 'ok', message: `one series (value ${outcome.value})` },
                ...(await demandArrivalCheck(input, base.object, serverAddress, trigger, auth.headers)),
              ];
            case 'none':
              return [
                {
                  ...base,
                  status: 'FAIL',
                  message: `no series from ${serverAddress}: KEDA reads an empty result as an error`,
                  fix: 'check the query labels (instance_id, topic, consumer_group) against the series Prometheus has',
                },
              ];
            case 'many':
              return [
                {
                  ...base,
                  status: 'FAIL',
                  message: `${outcome.count} series from ${serverAddress}: KEDA refuses more than one`,
                  fix: 'the query must aggregate to one series (sum without grouping)',
                },
              ];
            case 'refused':
              return [
                {
                  ...base,
                  status: 'FAIL',
                  message: `${serverAddress} answered HTTP ${outcome.status}: ${redact(outcome.detail, secrets)}`,
                  fix:
                    outcome.status === 401 || outcome.status === 403
                      ? `the credentials in the Secret are refused: rotate them with pulumi up --stack ${input.environment}`
                      : 'check the serverAddress in the hand-off (npm run outputs) and the query',
                },
              ];
            case 'invalid':
              return [
                {
                  ...base,
                  status: 'FAIL',
                  message: `${serverAddress} answered no Prometheus result: ${redact(outcome.detail, secrets)}`,
                  fix: 'serverAddress must be the Prometheus HTTP API base (KEDA appends /api/v1/query)',
                },
              ];
          }
        },
        `${serverAddress} must be reachable from where preflight runs (the intranet address only inside the VPC)`,
      )),
    );
    // An error text (fetch's) may carry what was sent.
    const last = results[results.length - 1];
    results[results.length - 1] = { ...last, message: redact(last.message, secrets) };
  }
  return results;
}

/** The demand trigger's arrival part, sent alone (classify.ts demandArrivalQuery); none for any other trigger. */
async function demandArrivalCheck(
  input: PreflightInput,
  object: string,
  serverAddress: string,
  trigger: Trigger,
  headers: Record<string, string>,
): Promise<CheckResult[]> {
  const rate = trigger.name === 'demand' ? demandArrivalQuery(trigger.metadata?.query ?? '') : undefined;
  if (rate === undefined) return [];
  const answer = await input.query(serverAddress, rate, headers);
  return [
    {
      check: 'query',
      object: `${object} (its arrival rate)`,
      ...judgeDemandArrival(classifyQueryAnswer(answer.status, answer.text), serverAddress),
    },
  ];
}

/** Every check, in order; a check that cannot run (a refused GET, no network) is a FAIL naming why. */
export async function runPreflight(input: PreflightInput): Promise<CheckResult[]> {
  const read = secretReader(input.kube);
  return [
    ...(await kedaVersionCheck(input)),
    ...(await metricsApiCheck(input)),
    ...(await crdFieldChecks(input)),
    ...(await secretChecks(input, read)),
    ...(await brokerMetricsCheck(input, read)),
    ...(await queryChecks(input, read)),
  ];
}
