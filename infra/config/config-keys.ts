/**
 * The config keys a stack file may hold, and the closest known key for a misspelled one. A key the programs
 * do not read is an error, so `alicloud:regoin` or `apsaramq_keda:workloads` cannot pass silently.
 */
import { closest, distance } from 'fastest-levenshtein';
import { PROJECT, SECRET_CONFIG_KEYS } from './limits';

/** `alicloud:region` is the region of the whole environment (provider and loader). */
export const REGION_KEY = 'alicloud:region';

// Source: @pulumi/alicloud 3.108.0 config/vars.d.ts (the provider's config keys; a test compares the list).
export const ALICLOUD_PROVIDER_KEYS = [
  'accessKey',
  'accountId',
  'accountType',
  'assumeRole',
  'assumeRoleWithOidc',
  'clientConnectTimeout',
  'clientReadTimeout',
  'configurationSource',
  'credentialsUri',
  'ecsRoleName',
  'endpoints',
  'fc',
  'features',
  'logEndpoint',
  'maxRetryTimeout',
  'mnsEndpoint',
  'otsInstanceName',
  'profile',
  'protocol',
  'region',
  'secretKey',
  'secureTransport',
  'securityToken',
  'securityTransport',
  'sharedCredentialsFile',
  'signVersion',
  'skipRegionValidation',
  'sourceIp',
] as const;

// Source: @pulumi/kubernetes 4.34.2 provider.d.ts, interface ProviderArgs (a test compares the list).
export const KUBERNETES_PROVIDER_KEYS = [
  'alwaysRender',
  'cluster',
  'clusterIdentifier',
  'context',
  'deleteUnreachable',
  'enableConfigMapMutable',
  'enablePatchForce',
  'enableSecretMutable',
  'enableServerSideApply',
  'helmReleaseSettings',
  'kubeClientSettings',
  'kubeconfig',
  'namespace',
  'renderYamlToDirectory',
  'skipUpdateUnreachable',
  'suppressDeprecationWarnings',
  'suppressHelmHookWarnings',
  'upsertExistingObjects',
] as const;

/** Namespaces whose keys belong to the Pulumi engine itself (`pulumi:tags`, ...), passed through unchecked. */
const ENGINE_NAMESPACES = ['pulumi'];

/** Every key a stack file may set, given the sections of the project's own config. */
export function knownConfigKeys(projectSections: readonly string[]): string[] {
  return [
    ...projectSections.map((s) => `${PROJECT}:${s}`),
    ...SECRET_CONFIG_KEYS,
    ...ALICLOUD_PROVIDER_KEYS.map((k) => `alicloud:${k}`),
    ...KUBERNETES_PROVIDER_KEYS.map((k) => `kubernetes:${k}`),
  ].sort();
}

/** Whether `key` is set for the Pulumi engine rather than for a provider or this project. */
export function isEngineKey(key: string): boolean {
  return ENGINE_NAMESPACES.some((ns) => key.startsWith(`${ns}:`));
}

/**
 * The known key that `key` most likely means: the nearest by edit distance, compared without the namespace
 * separator's spelling (`apsaramq_keda:x` is one edit from `apsaramq-keda:x`), or undefined when nothing is
 * near (more than a third of the key differs).
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const name = key.slice(key.indexOf(':') + 1);
  // A known section under the wrong namespace (`apsaramq-keda:region` for `alicloud:region`).
  const sameName = known.filter((k) => k.slice(k.indexOf(':') + 1) === name);
  if (sameName.length > 0) return closest(key, sameName);
  const best = closest(key, [...known]);
  return distance(key, best) <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** The message for a key nobody reads. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const suggestion = closestKey(key, known);
  return suggestion === undefined
    ? `${key}: unknown config key; the keys this stack reads are ${PROJECT}:<section>, alicloud:<provider setting> and kubernetes:<provider setting>`
    : `${key}: unknown config key; did you mean ${suggestion}?`;
}
