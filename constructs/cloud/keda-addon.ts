import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import { assertNoViolations } from './invalid-args-error';

// Source: ACK component catalog, "ACK KEDA": the add-on name to install with cs.KubernetesAddon.
/** Name of ACK's KEDA add-on. */
export const KEDA_ADDON_NAME = 'ack-keda';

// Source: ACK cluster ids as the ACK console shows them: "c" followed by lowercase alphanumerics.
const ACK_CLUSTER_ID = /^c[a-z0-9]{16,40}$/;

/** Arguments of KedaAddon. */
export interface KedaAddonArgs {
  /** ACK cluster to install KEDA on. */
  readonly clusterId: string;
  /** Add-on version. @default the version ACK installs by default */
  readonly version?: string;
  /** Custom add-on configuration as a JSON string. @default none */
  readonly config?: string;
}

/** Every violation of the arguments, each naming its field; empty when valid. */
export function kedaAddonViolations(args: KedaAddonArgs): string[] {
  const out: string[] = [];
  if (!ACK_CLUSTER_ID.test(args.clusterId)) {
    out.push(`clusterId ("${args.clusterId}") must be an ACK cluster id (c + 16-40 lowercase alphanumerics)`);
  }
  if (args.version !== undefined && args.version.trim() === '') out.push('version must not be empty');
  if (args.config !== undefined) {
    try {
      JSON.parse(args.config);
    } catch {
      out.push('config must be a JSON string');
    }
  }
  return out;
}

/**
 * The ack-keda component on an ACK cluster, so KEDA and its CRDs (ScaledObject, TriggerAuthentication) exist
 * before GitOps applies the manifests that use them.
 */
export class KedaAddon extends pulumi.ComponentResource {
  /** The installed version. */
  readonly version: pulumi.Output<string>;

  constructor(name: string, args: KedaAddonArgs, opts?: pulumi.ComponentResourceOptions) {
    assertNoViolations('KedaAddon', name, kedaAddonViolations(args));
    super('apsaramq-keda:cloud:KedaAddon', name, {}, opts);

    const addon = new alicloud.cs.KubernetesAddon(
      `${name}-addon`,
      { clusterId: args.clusterId, name: KEDA_ADDON_NAME, version: args.version, config: args.config },
      // Source: resource_alicloud_cs_kubernetes_addon.go resourceAlicloudCSKubernetesAddonDelete: uninstalls the
      // add-on (KEDA, its CRDs and with them every ScaledObject in the cluster) unless ACK marks it required.
      // Retained, so a destroy or a stack without ackClusterId leaves KEDA to the cluster's other users.
      { parent: this, retainOnDelete: true },
    );
    this.version = addon.version;
    this.registerOutputs({ version: this.version });
  }
}
