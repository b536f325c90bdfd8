import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { recommendedLabels, type SelectorScheme, selectorLabels } from '../shared/labels';
import { ROCKETMQ_CREDENTIALS_KEYS } from '../shared/names';
import { PropChecker } from './validation';

/** Kubernetes quantity, e.g. `500m`, `2`, `256Mi`. */
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
/** An image reference pinned by tag or digest. */
const PINNED_IMAGE = /^[^\s@]+?(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Seconds added to the longest message handling time so the SDK can ack and close before SIGKILL. */
export const SHUTDOWN_MARGIN_SECONDS = 15;
/** Env names the construct sets itself; `env` may not override them. */
export const CONSUMER_ENV = {
  endpoint: 'ROCKETMQ_ENDPOINT',
  topic: 'ROCKETMQ_TOPIC',
  consumerGroup: 'ROCKETMQ_CONSUMER_GROUP',
  username: 'ROCKETMQ_USERNAME',
  password: 'ROCKETMQ_PASSWORD',
} as const;

export interface ConsumerResources {
  readonly cpuRequest: string;
  readonly cpuLimit: string;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
}

export interface ConsumerWorkloadProps {
  /** Workload name: Deployment, ServiceAccount and PDB name. */
  readonly name: string;
  /** Environment name, a selector label (SelectorScheme). */
  readonly environment: string;
  /** Which labels select the pods; changing it on a deployed Deployment needs a migration. @default 'environment' */
  readonly selectorScheme?: SelectorScheme;
  /** Container image, pinned by tag or digest. */
  readonly image: string;
  readonly resources: ConsumerResources;
  /** RocketMQ 5.x gRPC endpoint, host:port. */
  readonly rocketMqEndpoint: string;
  readonly topic: string;
  readonly consumerGroup: string;
  /** Secret (created by Pulumi) with the ACL `username` and `password`. */
  readonly credentialsSecretName: string;
  /** Longest time one message takes to handle, in seconds; sets the termination grace period. */
  readonly maxProcessingSeconds: number;
  /** The autoscaler's minimum; a PodDisruptionBudget is added when it is 2 or more. */
  readonly minReplicas: number;
  /** Extra plain environment variables. @default {} */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The consumer Deployment (replicas left to the autoscaler), its ServiceAccount without a token, and a
 * PodDisruptionBudget when at least two pods are always wanted. Credentials come only by secretKeyRef.
 */
export class ConsumerWorkload extends Construct {
  readonly deployment: kplus.Deployment;
  readonly serviceAccount: kplus.ServiceAccount;
  readonly podDisruptionBudget?: kplus.k8s.KubePodDisruptionBudget;
  readonly labels: Readonly<Record<string, string>>;
  readonly terminationGracePeriodSeconds: number;

  constructor(scope: Construct, id: string, props: ConsumerWorkloadProps) {
    super(scope, id);
    validateConsumerWorkloadProps(props);

    this.labels = recommendedLabels({
      name: props.name,
      environment: props.environment,
      component: 'consumer',
      image: props.image,
      selectorScheme: props.selectorScheme,
    });
    const selector = selectorLabels(props.name, props.environment, props.selectorScheme);
    this.terminationGracePeriodSeconds = props.maxProcessingSeconds + SHUTDOWN_MARGIN_SECONDS;

    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', {
      metadata: { name: props.name, labels: this.labels },
      automountToken: false,
    });

    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name: props.name, labels: this.labels },
      podMetadata: { labels: this.labels },
      select: false,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      terminationGracePeriod: Duration.seconds(this.terminationGracePeriodSeconds),
      securityContext: { ensureNonRoot: true, user: 10001, group: 10001, fsGroup: 10001 },
      containers: [
        {
          name: 'consumer',
          image: props.image,
          securityContext: {
            ensureNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            privileged: false,
            user: 10001,
            group: 10001,
          },
          envVariables: this.environment(props),
        },
      ],
    });
    // KEDA's HPA owns spec.replicas: leaving it out keeps GitOps from resetting the scale on every sync.
    this.deployment.hasAutoscaler = true;
    this.deployment.select(kplus.LabelSelector.of({ labels: selector }));
    const container = this.deployment.containers[0];
    if (container === undefined) throw new Error('ConsumerWorkload: the consumer container was not created');
    // SDK logs and caches need a writable place under a read-only root filesystem.
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'tmp', 'tmp'));

    const deploymentObject = ApiObject.of(this.deployment);
    deploymentObject.addJsonPatch(
      // Exact quantities as written in the environment (cdk8s-plus would re-express memory in Mi).
      JsonPatch.add('/spec/template/spec/containers/0/resources', {
        requests: {
          cpu: quantity(props.resources.cpuRequest),
          memory: quantity(props.resources.memoryRequest),
        },
        limits: { cpu: quantity(props.resources.cpuLimit), memory: quantity(props.resources.memoryLimit) },
      }),
      // A pinned tag or digest never changes: pulling on every start only adds a registry dependency.
      JsonPatch.replace('/spec/template/spec/containers/0/imagePullPolicy', 'IfNotPresent'),
      // cdk8s-plus adds a construct-path label to pods; selectors here use the recommended labels only.
      JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'),
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }),
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
        spread('topology.kubernetes.io/zone', selector),
        spread('kubernetes.io/hostname', selector),
      ]),
    );

    if (props.minReplicas >= 2) {
      this.podDisruptionBudget = new kplus.k8s.KubePodDisruptionBudget(this, 'pdb', {
        metadata: { name: props.name, labels: this.labels },
        // maxUnavailable suits autoscaled workloads: it stays meaningful at any replica count.
        spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }
  }

  private environment(props: ConsumerWorkloadProps): Record<string, kplus.EnvValue> {
    const secret = kplus.Secret.fromSecretName(this, 'credentials', props.credentialsSecretName);
    const variables: Record<string, kplus.EnvValue> = {};
    for (const [name, value] of Object.entries(props.env ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      variables[name] = kplus.EnvValue.fromValue(value);
    }
    variables[CONSUMER_ENV.endpoint] = kplus.EnvValue.fromValue(props.rocketMqEndpoint);
    variables[CONSUMER_ENV.topic] = kplus.EnvValue.fromValue(props.topic);
    variables[CONSUMER_ENV.consumerGroup] = kplus.EnvValue.fromValue(props.consumerGroup);
    variables[CONSUMER_ENV.username] = kplus.EnvValue.fromSecretValue({
      secret,
      key: ROCKETMQ_CREDENTIALS_KEYS.username,
    });
    variables[CONSUMER_ENV.password] = kplus.EnvValue.fromSecretValue({
      secret,
      key: ROCKETMQ_CREDENTIALS_KEYS.password,
    });
    return variables;
  }
}

/** Patches are applied before the generated serializer, which reads `Quantity.value`. */
function quantity(value: string): kplus.k8s.Quantity {
  return kplus.k8s.Quantity.fromString(value);
}

function spread(topologyKey: string, matchLabels: Record<string, string>): Record<string, unknown> {
  // ScheduleAnyway: a zone outage must not block scale-out in the zones that remain.
  return { maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } };
}

export function validateConsumerWorkloadProps(props: ConsumerWorkloadProps): void {
  const check = new PropChecker('ConsumerWorkload');
  check.name('name', props.name);
  check.name('environment', props.environment);
  if (props.selectorScheme === 'instance-label') check.instanceLabel(props.name, props.environment);
  check.selectorScheme(props.selectorScheme);
  if (
    typeof props.image !== 'string' ||
    !PINNED_IMAGE.test(props.image) ||
    !/[:@]/.test(props.image.replace(/^[^/]*\//, ''))
  ) {
    check.add('image', `(${JSON.stringify(props.image)}) must be an image reference pinned by tag or digest`);
  } else if (/:latest$/.test(props.image)) {
    check.add('image', `(${JSON.stringify(props.image)}) must not use the mutable tag latest`);
  }
  const resources = props.resources ?? ({} as ConsumerResources);
  for (const key of ['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit'] as const) {
    const value = resources[key];
    if (typeof value !== 'string' || !QUANTITY.test(value)) {
      check.add(
        `resources.${key}`,
        `(${JSON.stringify(value)}) must be a Kubernetes quantity such as 500m or 256Mi`,
      );
    }
  }
  if (
    typeof props.rocketMqEndpoint !== 'string' ||
    !/^[A-Za-z0-9.-]+:[0-9]{1,5}$/.test(props.rocketMqEndpoint)
  ) {
    check.add('rocketMqEndpoint', `(${JSON.stringify(props.rocketMqEndpoint)}) must be host:port`);
  }
  check.nonEmpty('topic', props.topic);
  check.nonEmpty('consumerGroup', props.consumerGroup);
  check.name('credentialsSecretName', props.credentialsSecretName);
  check.int('maxProcessingSeconds', props.maxProcessingSeconds, 1, 86_400);
  check.int('minReplicas', props.minReplicas, 0);
  const reserved = new Set<string>(Object.values(CONSUMER_ENV));
  for (const name of Object.keys(props.env ?? {})) {
    if (!ENV_NAME.test(name)) check.add(`env.${name}`, 'must be a C identifier ([A-Za-z_][A-Za-z0-9_]*)');
    else if (reserved.has(name)) check.add(`env.${name}`, 'is set by the construct and cannot be overridden');
  }
  check.throwIfAny();
}
