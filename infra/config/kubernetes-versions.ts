/**
 * The Kubernetes minors a stack may declare (`kubernetes.version`), with what ACK says of each. Source:
 * Alibaba Cloud ACK "Kubernetes versions supported by ACK" (alibabacloud.com/help/tr/ack/product-overview/
 * release-notes-for-kubernetes-versions, updated 2026-10-06; help.aliyun.com "Support for Kubernetes versions"):
 * 1.36 and 1.35 supported; 1.34 to 1.28 past ACK's end of support. ACK offers every minor from 1.31 on, only
 * even ones before. Every minor here has a modelled HPA (constructs/scaling hpaToleranceForm, 1.28 to 1.36).
 */
export const KUBERNETES_MINORS = {
  '1.36': { ack: 'supported until 2027-05-30' },
  '1.35': { ack: 'supported until 2027-02-28' },
  // Still listed as released on 2026-10-06, with its end of support on 2026-09-30.
  '1.34': { ack: 'end of support 2026-09-30' },
  '1.33': { ack: 'end of support 2026-05-31' },
  '1.32': { ack: 'end of support 2026-01-31' },
  '1.31': { ack: 'end of support 2025-09-30' },
  '1.30': { ack: 'end of support 2026-06-30' },
  '1.29': { ack: 'never offered (ACK offered even minors only before 1.31)' },
  '1.28': { ack: 'end of support 2025-10-31' },
} as const satisfies Record<string, { readonly ack: string }>;
export type KubernetesMinor = keyof typeof KUBERNETES_MINORS;
