import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { consumerShutdownSeconds } from '../scaling';
import { CONSUMER_ENV, CONSUMER_HTTP_DEFAULTS } from '../shared/consumer-contract';
import { recommendedLabels, type SelectorScheme, selectorLabels } from '../shared/labels';
import { isSecretKey, isSecretName, ROCKETMQ_CREDENTIALS_KEYS, SECRET_KEY_RULE } from '../shared/names';
import { PropChecker } from './validation';

/** Kubernetes quantity, e.g. `500m`, `2`, `256Mi`. */
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
/** An image reference pinned by tag or digest. */
const PINNED_IMAGE = /^[^\s@]+?(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Size of the `/tmp` emptyDir, also requested as ephemeral storage so the scheduler reserves it. */
export const DEFAULT_TMP_SIZE_MIB = 256;
/** Env names the construct sets itself; `env` may not override them (owned by constructs/shared). */
export { CONSUMER_ENV };

/** The container's HTTP endpoints; the probes hit them on the pod IP. */
export interface ConsumerProbes {
  /** Container port serving liveness, readiness and metrics. @default 8080 */
  readonly port?: number;
  /** @default /livez */
  readonly livenessPath?: string;
  /** @default /readyz */
  readonly readinessPath?: string;
}

// Probe timings: readiness reacts within ~10 s to a drain; liveness tolerates 30 s of a busy event loop.
const READINESS_PERIOD_SECONDS = 5;
const READINESS_FAILURE_THRESHOLD = 2;
const LIVENESS_PERIOD_SECONDS = 10;
const LIVENESS_FAILURE_THRESHOLD = 3;
const PROBE_TIMEOUT_SECONDS = 2;

/** An env variable read from a key of a Secret in the workload's namespace (valueFrom.secretKeyRef). */
export interface ConsumerEnvSecretRef {
  /** The Secret and key the value comes from. */
  readonly secretKeyRef: {
    /** Name of the Secret. */
    readonly name: string;
    /** Key in the Secret's data. */
    readonly key: string;
  };
}

/** CPU and memory of the consumer container, as Kubernetes quantities. */
export interface ConsumerResources {
  /** CPU request, e.g. 250m. */
  readonly cpuRequest: string;
  /** CPU limit, e.g. 1. */
  readonly cpuLimit: string;
  /** Memory request, e.g. 256Mi. */
  readonly memoryRequest: string;
  /** Memory limit, e.g. 512Mi. */
  readonly memoryLimit: string;
}

/** Props of ConsumerWorkload. */
export interface ConsumerWorkloadProps {
  /** Workload name: Deployment, ServiceAccount and PDB name. */
  readonly name: string;
  /** Environment name, a selector label (SelectorScheme). */
  readonly environment: string;
  /** Which labels select the pods; changing it on a deployed Deployment needs a migration. @default 'environment' */
  readonly selectorScheme?: SelectorScheme;
  /** Container image, pinned by tag or digest. */
  readonly image: string;
  /** CPU and memory of the container. */
  readonly resources: ConsumerResources;
  /** RocketMQ 5.x gRPC endpoint, host:port. */
  readonly rocketMqEndpoint: string;
  /** Topic the consumer reads. */
  readonly topic: string;
  /** Consumer group it reads as. */
  readonly consumerGroup: string;
  /** Secret (created by Pulumi) with the ACL `username` and `password`. */
  readonly credentialsSecretName: string;
  /** Longest time one message takes to handle, in seconds; part of the termination grace period. */
  readonly maxProcessingSeconds: number;
  /**
   * Messages per second one pod handles: the messages it holds at shutdown drain at this rate
   * (consumerShutdownSeconds). @default none: the held messages are not counted
   */
  readonly messagesPerSecondPerPod?: number;
  /** Messages a pod holds received (prefetch, cache, batch). @default DEFAULT_HELD_MESSAGES_PER_POD (10) */
  readonly heldMessagesPerPod?: number;
  /** Size limit of the `/tmp` emptyDir, requested as ephemeral storage. @default 256 */
  readonly tmpSizeMiB?: number;
  /** The autoscaler's minimum; a PodDisruptionBudget is added when it is 2 or more. */
  readonly minReplicas: number;
  /** Extra environment variables: a literal, or a key of a Secret by reference. @default {} */
  readonly env?: Readonly<Record<string, string | ConsumerEnvSecretRef>>;
  /**
   * HTTP probes and the container port, from the image's contract; false for an image that serves none.
   * @default { port: 8080, livenessPath: '/livez', readinessPath: '/readyz' } (the sample app's)
   */
  readonly probes?: false | ConsumerProbes;
}

/**
 * The consumer Deployment (replicas left to the autoscaler), its ServiceAccount without a token, and a
 * PodDisruptionBudget when at least two pods are always wanted. Credentials come only by secretKeyRef.
 */
export class ConsumerWorkload extends Construct {
  /** The consumer Deployment, without `replicas`. */
  readonly deployment: kplus.Deployment;
  /** The pods' ServiceAccount, without a token. */
  readonly serviceAccount: kplus.ServiceAccount;
  /** The PodDisruptionBudget; only when minReplicas is at least 2. */
  readonly podDisruptionBudget?: kplus.k8s.KubePodDisruptionBudget;
  /** The recommended labels of every object it creates. */
  readonly labels: Readonly<Record<string, string>>;
  /** The pods' grace period: consumerShutdownSeconds of the props. */
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
    this.terminationGracePeriodSeconds = consumerShutdownSeconds({
      maxProcessingSeconds: props.maxProcessingSeconds,
      ...(props.messagesPerSecondPerPod !== undefined && {
        messagesPerSecondPerPod: props.messagesPerSecondPerPod,
      }),
      ...(props.heldMessagesPerPod !== undefined && { heldMessagesPerPod: props.heldMessagesPerPod }),
    });
    const tmpSizeMiB = props.tmpSizeMiB ?? DEFAULT_TMP_SIZE_MIB;

    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', {
      metadata: { name: props.name, labels: this.labels },
      automountToken: false,
    });

    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name: props.name, labels: this.labels },
      podMetadata: { labels: this.labels },
      select: false,
      // A rollout adds pods before it removes any: consumer capacity never drops below the current count.
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.percent(25),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
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
          ...this.probeSettings(props),
        },
      ],
    });
    // KEDA's HPA owns spec.replicas: leaving it out keeps GitOps from resetting the scale on every sync.
    this.deployment.hasAutoscaler = true;
    this.deployment.select(kplus.LabelSelector.of({ labels: selector }));
    const container = this.deployment.containers[0];
    if (container === undefined) throw new Error('ConsumerWorkload: the consumer container was not created');
    // SDK logs and caches need a writable place under a read-only root filesystem.
    container.mount(
      '/tmp',
      kplus.Volume.fromEmptyDir(this, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(tmpSizeMiB) }),
    );

    const deploymentObject = ApiObject.of(this.deployment);
    deploymentObject.addJsonPatch(
      // Exact quantities as written in the environment (cdk8s-plus would re-express memory in Mi).
      JsonPatch.add('/spec/template/spec/containers/0/resources', {
        requests: {
          cpu: quantity(props.resources.cpuRequest),
          memory: quantity(props.resources.memoryRequest),
          // The /tmp emptyDir lives on the node's ephemeral storage; past sizeLimit the kubelet evicts the pod.
          'ephemeral-storage': quantity(`${tmpSizeMiB}Mi`),
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
        spec: {
          maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
          selector: { matchLabels: selector },
          // A crash-looping pod must not block a node drain (policy/v1 PodDisruptionBudgetSpec, k8s 1.27+).
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      });
    }
  }

  private probeSettings(props: ConsumerWorkloadProps): Partial<kplus.ContainerProps> {
    const probes = resolveProbes(props.probes);
    if (probes === undefined) return {};
    const common = { port: probes.port, timeoutSeconds: Duration.seconds(PROBE_TIMEOUT_SECONDS) };
    return {
      ports: [{ number: probes.port, name: 'http', protocol: kplus.Protocol.TCP }],
      readiness: kplus.Probe.fromHttpGet(probes.readinessPath, {
        ...common,
        periodSeconds: Duration.seconds(READINESS_PERIOD_SECONDS),
        failureThreshold: READINESS_FAILURE_THRESHOLD,
      }),
      liveness: kplus.Probe.fromHttpGet(probes.livenessPath, {
        ...common,
        periodSeconds: Duration.seconds(LIVENESS_PERIOD_SECONDS),
        failureThreshold: LIVENESS_FAILURE_THRESHOLD,
      }),
    };
  }

  private environment(props: ConsumerWorkloadProps): Record<string, kplus.EnvValue> {
    const secret = kplus.Secret.fromSecretName(this, 'credentials', props.credentialsSecretName);
    const variables: Record<string, kplus.EnvValue> = {};
    for (const [name, value] of Object.entries(props.env ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      variables[name] =
        typeof value === 'string'
          ? kplus.EnvValue.fromValue(value)
          : kplus.EnvValue.fromSecretValue({
              secret: kplus.Secret.fromSecretName(this, `env-${name}`, value.secretKeyRef.name),
              key: value.secretKeyRef.key,
            });
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
    // The consumer drains within the grace period it is told; the pod's value is the one computed here.
    variables[CONSUMER_ENV.shutdownGraceSeconds] = kplus.EnvValue.fromValue(
      String(this.terminationGracePeriodSeconds),
    );
    const probes = resolveProbes(props.probes);
    if (probes !== undefined)
      variables[CONSUMER_ENV.httpPort] = kplus.EnvValue.fromValue(String(probes.port));
    return variables;
  }
}

/** The probes with defaults filled in, or undefined when they are off. */
export function resolveProbes(
  probes: false | ConsumerProbes | undefined,
): Required<ConsumerProbes> | undefined {
  if (probes === false) return undefined;
  return {
    port: probes?.port ?? CONSUMER_HTTP_DEFAULTS.port,
    livenessPath: probes?.livenessPath ?? CONSUMER_HTTP_DEFAULTS.livenessPath,
    readinessPath: probes?.readinessPath ?? CONSUMER_HTTP_DEFAULTS.readinessPath,
  };
}

/** Patches are applied before the generated serializer, which reads `Quantity.value`. */
function quantity(value: string): kplus.k8s.Quantity {
  return kplus.k8s.Quantity.fromString(value);
}

function spread(topologyKey: string, matchLabels: Record<string, string>): Record<string, unknown> {
  // ScheduleAnyway: a zone outage must not block scale-out in the zones that remain.
  // matchLabelKeys pod-template-hash: during a rollout only pods of the same ReplicaSet count for the skew.
  return {
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels },
    matchLabelKeys: ['pod-template-hash'],
  };
}

/** Throws ConstructPropsError with every violation of the props at once; the constructor calls it before creating anything. */
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
  if (props.messagesPerSecondPerPod !== undefined)
    check.positive('messagesPerSecondPerPod', props.messagesPerSecondPerPod);
  if (props.heldMessagesPerPod !== undefined) check.int('heldMessagesPerPod', props.heldMessagesPerPod, 0);
  if (props.tmpSizeMiB !== undefined) check.int('tmpSizeMiB', props.tmpSizeMiB, 1);
  check.int('minReplicas', props.minReplicas, 0);
  const probes = resolveProbes(props.probes);
  if (probes !== undefined) {
    check.int('probes.port', probes.port, 1, 65_535);
    for (const key of ['livenessPath', 'readinessPath'] as const) {
      if (!/^\/\S*$/.test(probes[key])) {
        check.add(
          `probes.${key}`,
          `(${JSON.stringify(probes[key])}) must be an absolute path without spaces`,
        );
      }
    }
  }
  const reserved = new Set<string>(Object.values(CONSUMER_ENV));
  for (const [name, value] of Object.entries(props.env ?? {})) {
    if (!ENV_NAME.test(name)) check.add(`env.${name}`, 'must be a C identifier ([A-Za-z_][A-Za-z0-9_]*)');
    else if (reserved.has(name)) check.add(`env.${name}`, 'is set by the construct and cannot be overridden');
    if (typeof value === 'string') continue;
    const ref = (value as Partial<ConsumerEnvSecretRef> | null)?.secretKeyRef;
    if (typeof ref !== 'object' || ref === null) {
      check.add(`env.${name}`, 'must be a string or { secretKeyRef: { name, key } }');
      continue;
    }
    const { name: secret, key } = ref;
    if (!isSecretName(secret)) {
      check.add(
        `env.${name}.secretKeyRef.name`,
        `(${JSON.stringify(secret)}) must be a DNS-1123 subdomain: [a-z0-9-.], at most 253 characters`,
      );
    }
    if (!isSecretKey(key)) {
      check.add(
        `env.${name}.secretKeyRef.key`,
        `(${JSON.stringify(key)}) must be a Secret key: ${SECRET_KEY_RULE}`,
      );
    }
  }
  check.throwIfAny();
}
