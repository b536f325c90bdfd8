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
  /**
   * Add-on version. On a cluster that runs a newer ack-keda this is a downgrade, which a preview warns about
   * (kedaAddonDowngradeWarning). @default the version ACK installs by default, and an installed add-on is kept
   */
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

/** The numeric release of an add-on version (`2.17.2`, `v2.17.2`, `2.17.2-aliyun.1`); undefined otherwise. */
function release(version: string): readonly number[] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version);
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Positive when release a is newer than b. */
function compareReleases(a: readonly number[], b: readonly number[]): number {
  const i = a.findIndex((part, k) => part !== b[k]);
  return i === -1 ? 0 : a[i] - b[i];
}

/**
 * The preview warning for a pinned version on a cluster that runs another ack-keda, or undefined when the pin
 * installs, keeps or upgrades it. Create adopts an installed add-on and asks ACK to move it to the pinned version
 * with policy "overwrite", and Update does the same after a Read found another version (resource_alicloud_cs_
 * kubernetes_addon.go resourceAlicloudCSKubernetesAddonCreate/Update -> updateAddon -> service_alicloud_cs.go
 * upgradeAddon): on a newer add-on that is a downgrade. `installed` is the data source's current_version, "" when
 * the add-on is not installed (data_source_alicloud_cs_kubernetes_addons.go fetchAddonsMetadata).
 */
export function kedaAddonDowngradeWarning(
  name: string,
  clusterId: string,
  pinned: string,
  installed: string,
): string | undefined {
  if (installed === '' || installed === pinned) return undefined;
  const [have, want] = [release(installed), release(pinned)];
  const head = `KedaAddon "${name}": ACK cluster ${clusterId} runs ${KEDA_ADDON_NAME} ${installed}`;
  const overwrite = `pulumi up asks ACK to overwrite it with ${pinned} (UpgradeClusterAddons, policy overwrite)`;
  if (have === undefined || want === undefined) {
    return (
      `${head}, which cannot be ordered against the pinned ${pinned}; ${overwrite}, which may be a downgrade ` +
      'of KEDA and its CRDs. Pin the installed version to keep it.'
    );
  }
  if (compareReleases(have, want) <= 0) return undefined;
  return (
    `${head}, newer than the pinned ${pinned}; ${overwrite}, a downgrade of KEDA and its CRDs under every ` +
    'ScaledObject on the cluster. Pin the installed version (or a newer one) to keep it.'
  );
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
    const pinned = args.version;
    if (pinned !== undefined) {
      // Read at preview, so the plan shows a downgrade before `pulumi up` makes it.
      alicloud.cs
        .getKubernetesAddonsOutput(
          { clusterId: args.clusterId, ids: [`${args.clusterId}:${KEDA_ADDON_NAME}`] },
          { parent: this },
        )
        .apply((found) => {
          const installed = found.addons.find((a) => a.name === KEDA_ADDON_NAME)?.currentVersion ?? '';
          const warning = kedaAddonDowngradeWarning(name, args.clusterId, pinned, installed);
          if (warning !== undefined) void pulumi.log.warn(warning, this);
        });
    }
    this.version = addon.version;
    this.registerOutputs({ version: this.version });
  }
}
