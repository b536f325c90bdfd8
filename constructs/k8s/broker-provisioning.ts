import * as crypto from 'node:crypto';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { recommendedLabels } from '../shared/labels';
import { isSecretName, ROCKETMQ_CREDENTIALS_KEYS } from '../shared/names';
import { type ProvisioningPlan, provisioningPlanViolations, provisioningScript } from './provisioning-script';
import { PropChecker } from './validation';

/** A user of the plan whose password is the `password` key of a Secret in the namespace. */
export interface BrokerProvisioningUser {
  /** ACL 2.0 username. */
  readonly username: string;
  /** Secret holding the user's credentials (ROCKETMQ_CREDENTIALS_KEYS), written by Pulumi. */
  readonly credentialsSecretName: string;
  /** Exactly the grants the user ends with. */
  readonly grants: ProvisioningPlan['users'][number]['grants'];
}

/** Props of BrokerProvisioning. */
export interface BrokerProvisioningProps {
  /** Name of the ConfigMap, and prefix of the Job (`<name>-<hash of what it applies>`). */
  readonly name: string;
  /** Environment name, a label of the objects. */
  readonly environment: string;
  /** Name server of the broker, host:port. */
  readonly nameServer: string;
  /** The brokers' brokerClusterName. */
  readonly brokerCluster: string;
  /** Secret with keys accessKey and secretKey: an ACL 2.0 Super user, created by the broker's owner. */
  readonly adminSecretName: string;
  /** Image with Apache RocketMQ 5.x under $ROCKETMQ_HOME (mqadmin's jars in lib/), pinned. */
  readonly image: string;
  /** Topics to create or update. */
  readonly topics: ProvisioningPlan['topics'];
  /** Subscription groups to create or update. */
  readonly groups: ProvisioningPlan['groups'];
  /** ACL 2.0 users and their grants. */
  readonly users: readonly BrokerProvisioningUser[];
  /** Retries of the Job's pod before the Job fails (Job backoffLimit). @default 6 */
  readonly backoffLimit?: number;
}

/** The Job's environment variable holding the password of the i-th user. */
const passwordVariable = (i: number): string => `USER_${i}_PASSWORD`;

/**
 * The GitOps provisioning of a self-managed broker (issue 27): a ConfigMap with the mqadmin script
 * (provisioningScript) and a Job that runs it inside the cluster, next to the broker. The Job's name carries a hash
 * of everything it applies, so a changed topic, group or grant is a new Job that Argo CD or Flux runs (a Job's pod
 * template is immutable), and an unchanged spec keeps the finished Job. Credentials come from Secrets by
 * reference only: the admin user's (yours) and each account's (Pulumi's).
 */
export class BrokerProvisioning extends Construct {
  /** The ConfigMap holding the script. */
  readonly configMap: ApiObject;
  /** The Job. */
  readonly job: ApiObject;
  /** The script the Job runs. */
  readonly script: string;

  constructor(scope: Construct, id: string, props: BrokerProvisioningProps) {
    super(scope, id);
    validateBrokerProvisioningProps(props);
    const plan: ProvisioningPlan = {
      topics: props.topics,
      groups: props.groups,
      users: props.users.map((u, i) => ({
        username: u.username,
        passwordVariable: passwordVariable(i),
        grants: u.grants,
      })),
    };
    this.script = provisioningScript(plan);
    const labels = recommendedLabels({
      name: props.name,
      environment: props.environment,
      component: 'broker-provisioning',
      image: props.image,
    });
    this.configMap = new ApiObject(this, 'script', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: props.name, labels },
      data: { 'provision.sh': this.script },
    });
    const env = [
      { name: 'NAMESRV', value: props.nameServer },
      { name: 'CLUSTER', value: props.brokerCluster },
      {
        name: 'ADMIN_ACCESS_KEY',
        valueFrom: { secretKeyRef: { name: props.adminSecretName, key: 'accessKey' } },
      },
      {
        name: 'ADMIN_SECRET_KEY',
        valueFrom: { secretKeyRef: { name: props.adminSecretName, key: 'secretKey' } },
      },
      ...props.users.map((u, i) => ({
        name: passwordVariable(i),
        valueFrom: {
          secretKeyRef: { name: u.credentialsSecretName, key: ROCKETMQ_CREDENTIALS_KEYS.password },
        },
      })),
    ];
    const hash = crypto
      .createHash('sha256')
      .update(JSON.stringify({ script: this.script, env, image: props.image }))
      .digest('hex')
      .slice(0, 10);
    this.job = new ApiObject(this, 'job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: `${props.name}-${hash}`, labels },
      spec: {
        backoffLimit: props.backoffLimit ?? 6,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'Never',
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'mqadmin',
                image: props.image,
                command: ['/bin/sh', '/scripts/provision.sh'],
                env,
                resources: {
                  requests: { cpu: '100m', memory: '256Mi' },
                  limits: { cpu: '1', memory: '512Mi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [
                  { name: 'script', mountPath: '/scripts', readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'script', configMap: { name: props.name } },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    });
  }
}

/** Our rules, checked before anything is created. */
export function validateBrokerProvisioningProps(props: BrokerProvisioningProps): void {
  const check = new PropChecker('BrokerProvisioning');
  check.name('name', props.name);
  check.name('environment', props.environment);
  if (!/^[A-Za-z0-9.-]+:[0-9]{1,5}$/.test(props.nameServer))
    check.add('nameServer', `(${JSON.stringify(props.nameServer)}) must be host:port`);
  if (!/^[A-Za-z0-9_-]+$/.test(props.brokerCluster))
    check.add('brokerCluster', `(${JSON.stringify(props.brokerCluster)}) must match ^[A-Za-z0-9_-]+$`);
  if (!isSecretName(props.adminSecretName))
    check.add('adminSecretName', `(${JSON.stringify(props.adminSecretName)}) must be a Secret name`);
  if (!/[:@]/.test(props.image.replace(/^[^/]*\//, '')))
    check.add('image', `(${JSON.stringify(props.image)}) must pin a tag or digest`);
  props.users.forEach((u, i) => {
    if (!isSecretName(u.credentialsSecretName))
      check.add(
        `users[${i}].credentialsSecretName`,
        `(${JSON.stringify(u.credentialsSecretName)}) must be a Secret name`,
      );
  });
  for (const v of provisioningPlanViolations({
    topics: props.topics,
    groups: props.groups,
    users: props.users.map((u, i) => ({
      username: u.username,
      passwordVariable: passwordVariable(i),
      grants: u.grants,
    })),
  })) {
    const [field, ...rest] = v.split(' ');
    check.add(field, rest.join(' '));
  }
  if (props.backoffLimit !== undefined) check.int('backoffLimit', props.backoffLimit, 0);
  check.throwIfAny();
}
