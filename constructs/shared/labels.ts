/** Kubernetes recommended labels (Source: kubernetes.io/docs/concepts/overview/working-with-objects/common-labels). */

/** `app.kubernetes.io/part-of` of every object the constructs create. */
export const PART_OF = 'apsaramq-keda';
/** `app.kubernetes.io/managed-by` of every object the cdk8s constructs create. */
export const MANAGED_BY = 'cdk8s';

/** A label value: at most 63 characters, alphanumerics with `-_.` inside (Source: Kubernetes labels syntax). */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * How a workload's pods are selected. 'environment' (the default) selects by `app.kubernetes.io/name` and
 * ENVIRONMENT_LABEL and leaves `app.kubernetes.io/instance` alone, because Argo CD writes that label itself when
 * it tracks resources by label (Source: Argo CD docs, "Resource Tracking": the label method uses
 * app.kubernetes.io/instance; the default before Argo CD 3.0, and annotation+label still writes it).
 * 'instance-label' is the selector of releases up to 0.1 (`app.kubernetes.io/instance: <name>-<env>`), for
 * Deployments already deployed with it: a Deployment's selector is immutable, so switching needs the
 * migration infra/README.md describes.
 */
export const SELECTOR_SCHEMES = ['environment', 'instance-label'] as const;
/** One of SELECTOR_SCHEMES. */
export type SelectorScheme = (typeof SELECTOR_SCHEMES)[number];
/** The selector scheme when none is given. */
export const DEFAULT_SELECTOR_SCHEME: SelectorScheme = 'environment';

/** The label that carries the environment under the 'environment' selector scheme. */
export const ENVIRONMENT_LABEL = 'apsaramq-keda/environment';

/** What recommendedLabels derives the labels of one object from. */
export interface RecommendedLabelsInput {
  /** The application: the workload name. */
  readonly name: string;
  /** The environment the instance belongs to. */
  readonly environment: string;
  /** `app.kubernetes.io/component`, e.g. consumer or autoscaler. */
  readonly component: string;
  /** Image reference; its tag becomes `app.kubernetes.io/version` when it is a valid label value. */
  readonly image?: string;
  /** Which labels select the pods. @default 'environment' */
  readonly selectorScheme?: SelectorScheme;
}

/** The image tag, or undefined for a digest-only reference. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? image;
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon >= 0 ? lastSegment.slice(colon + 1) : undefined;
}

/** Selector labels: fixed per scheme, so a Deployment's selector never changes unless the scheme does. */
export function selectorLabels(
  name: string,
  environment: string,
  scheme: SelectorScheme = DEFAULT_SELECTOR_SCHEME,
): Record<string, string> {
  return scheme === 'instance-label'
    ? { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${name}-${environment}` }
    : { 'app.kubernetes.io/name': name, [ENVIRONMENT_LABEL]: environment };
}

/** The `app.kubernetes.io/*` recommended labels of one object plus the selector labels of its scheme; throws a RangeError when a value is not a valid label value. */
export function recommendedLabels(input: RecommendedLabelsInput): Record<string, string> {
  const tag = input.image === undefined ? undefined : imageTag(input.image);
  const labels: Record<string, string> = {
    ...selectorLabels(input.name, input.environment, input.selectorScheme),
    'app.kubernetes.io/component': input.component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
  if (tag !== undefined && tag.length <= 63 && LABEL_VALUE.test(tag))
    labels['app.kubernetes.io/version'] = tag;
  for (const [key, value] of Object.entries(labels)) {
    if (value.length > 63 || !LABEL_VALUE.test(value)) {
      throw new RangeError(`label ${key} value "${value}" must be <= 63 characters of [A-Za-z0-9_.-]`);
    }
  }
  return labels;
}
