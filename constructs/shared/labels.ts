/** Kubernetes recommended labels (Source: kubernetes.io/docs/concepts/overview/working-with-objects/common-labels). */

export const PART_OF = 'apsaramq-keda';
export const MANAGED_BY = 'cdk8s';

/** A label value: at most 63 characters, alphanumerics with `-_.` inside (Source: Kubernetes labels syntax). */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export interface RecommendedLabelsInput {
  /** The application: the workload name. */
  readonly name: string;
  /** The environment the instance belongs to. */
  readonly environment: string;
  readonly component: string;
  /** Image reference; its tag becomes `app.kubernetes.io/version` when it is a valid label value. */
  readonly image?: string;
}

/** The image tag, or undefined for a digest-only reference. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? image;
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon >= 0 ? lastSegment.slice(colon + 1) : undefined;
}

/** Selector labels: stable across releases, so a Deployment's selector never changes. */
export function selectorLabels(name: string, environment: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${name}-${environment}` };
}

export function recommendedLabels(input: RecommendedLabelsInput): Record<string, string> {
  const tag = input.image === undefined ? undefined : imageTag(input.image);
  const labels: Record<string, string> = {
    ...selectorLabels(input.name, input.environment),
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
