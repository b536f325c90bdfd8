/**
 * The shell script the provisioning Job of a self-managed broker runs (issue 27): topics, subscription groups,
 * ACL 2.0 users and their grants, through Apache RocketMQ's admin tool (mqadmin). Pure: a plan in, the script's
 * text out, the same bytes for the same plan.
 *
 * What it relies on, measured on Apache RocketMQ 5.3.3 (tests/e2e/broker-provisioning.test.ts):
 * - mqadmin exits 0 even when a command fails; the failure is a SubCommandException ("... command failed") in its
 *   output, so every call's output is checked.
 * - With `-c <cluster>` every command acts on each master broker the name server lists for the cluster, and on
 *   none, still exiting 0 and printing nothing, for a cluster it does not know or one whose broker has not
 *   registered yet (tools CommandUtil.fetchMasterAddrByClusterName): the script first requires a master in
 *   `clusterList`, and every write its "to <broker> success." line.
 * - updateTopic and updateSubGroup create or update; createAcl and updateAcl both upsert one subject and resource;
 *   getUser prints `<username> <password> <type> <status>`; getAcl prints `<subject> <policyType> <resource>
 *   [<actions>] <sourceIp> <decision>` per resource.
 * - mqadmin reads the admin credentials from `<rocketmq.home.dir>/conf/tools.yml` (accessKey, secretKey).
 */

/** A topic to create or update. */
export interface ProvisioningTopic {
  /** Topic name. */
  readonly name: string;
  /** NORMAL, FIFO, DELAY or TRANSACTION (the topic's message.type attribute). */
  readonly messageType: string;
  /** Read and write queue count. */
  readonly queues: number;
}

/** A subscription group to create or update. */
export interface ProvisioningGroup {
  /** Group name. */
  readonly name: string;
  /** Whether consumption is ordered (consumeMessageOrderly). */
  readonly orderly: boolean;
  /** Deliveries after the first before the dead-letter queue (retryMaxTimes). */
  readonly retryMaxTimes: number;
}

/** One grant of a user: actions on one resource, allowed. */
export interface ProvisioningGrant {
  /** `Topic:<name>` or `Group:<name>`. */
  readonly resource: string;
  /** ACL 2.0 actions, e.g. Sub, Pub. */
  readonly actions: readonly string[];
}

/** An ACL 2.0 user: its password comes from an environment variable of the Job, never from the script. */
export interface ProvisioningUser {
  /** Username. */
  readonly username: string;
  /** Name of the environment variable holding the password. */
  readonly passwordVariable: string;
  /** Exactly the grants the user ends with: others on the user are removed. */
  readonly grants: readonly ProvisioningGrant[];
}

/** Everything the script provisions. */
export interface ProvisioningPlan {
  /** Topics to create or update in the broker cluster. */
  readonly topics: readonly ProvisioningTopic[];
  /** Consumer groups to create or update. */
  readonly groups: readonly ProvisioningGroup[];
  /** ACL 2.0 users and their grants. */
  readonly users: readonly ProvisioningUser[];
}

// Source: apache/rocketmq 5.3.3 tools MQAdminStartup (the main class bin/mqadmin runs).
/** mqadmin's main class. */
export const MQADMIN_MAIN_CLASS = 'org.apache.rocketmq.tools.command.MQAdminStartup';

const SAFE = /^[A-Za-z0-9_.:%=+,@/-]+$/;
const VARIABLE = /^[A-Z_][A-Z0-9_]*$/;

/** A shell word: as it is when it holds only safe characters, else single-quoted. */
export function shellWord(value: string): string {
  return SAFE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Every violation of a plan, each naming its field; empty when valid. */
export function provisioningPlanViolations(plan: ProvisioningPlan): string[] {
  const out: string[] = [];
  plan.topics.forEach((t, i) => {
    if (!Number.isInteger(t.queues) || t.queues < 1)
      out.push(`topics[${i}].queues (${t.queues}) must be a positive integer`);
  });
  plan.groups.forEach((g, i) => {
    if (!Number.isInteger(g.retryMaxTimes) || g.retryMaxTimes < 0)
      out.push(`groups[${i}].retryMaxTimes (${g.retryMaxTimes}) must be a non-negative integer`);
  });
  const names = new Set<string>();
  plan.users.forEach((u, i) => {
    if (!/^[A-Za-z0-9_-]+$/.test(u.username))
      out.push(`users[${i}].username ("${u.username}") must match ^[A-Za-z0-9_-]+$`);
    if (names.has(u.username)) out.push(`users[${i}].username ("${u.username}") is declared twice`);
    names.add(u.username);
    if (!VARIABLE.test(u.passwordVariable))
      out.push(`users[${i}].passwordVariable ("${u.passwordVariable}") must be an environment variable name`);
    u.grants.forEach((g, j) => {
      if (!/^(Topic|Group):[A-Za-z0-9_-]+$/.test(g.resource))
        out.push(`users[${i}].grants[${j}].resource ("${g.resource}") must be Topic:<name> or Group:<name>`);
      if (g.actions.length === 0) out.push(`users[${i}].grants[${j}].actions must list at least one action`);
    });
  });
  return out;
}

const PRELUDE = `set -eu
: "\${NAMESRV:?the name server, host:port}"
: "\${CLUSTER:?the broker cluster name}"
: "\${ADMIN_ACCESS_KEY:?the admin user (Secret key accessKey)}"
: "\${ADMIN_SECRET_KEY:?the admin password (Secret key secretKey)}"
classpath="\${ROCKETMQ_CLASSPATH:-\${ROCKETMQ_HOME:?the RocketMQ installation}/lib/*}"
umask 077
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
mkdir "$home/conf"
# tools.yml values as single-quoted YAML scalars (a quote doubled).
yaml_quoted() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }
printf 'accessKey: %s\\nsecretKey: %s\\n' "$(yaml_quoted "$ADMIN_ACCESS_KEY")" "$(yaml_quoted "$ADMIN_SECRET_KEY")" >"$home/conf/tools.yml"
out="$home/out"

# mqadmin <command> <options>: fails the script on a failed command (mqadmin itself exits 0). Its output stays in
# $out and is never printed whole: getUser prints passwords.
mq() {
  command="$1"
  shift
  java \${JAVA_OPT:-} -Drocketmq.home.dir="$home" -cp "$classpath" ${MQADMIN_MAIN_CLASS} "$command" -n "$NAMESRV" -c "$CLUSTER" "$@" >"$out" 2>&1 || true
  if grep -q -e 'command failed' -e 'Exception' "$out"; then
    echo "mqadmin $command failed:" >&2
    grep -v -e '^[[:space:]]*at ' -e '^[[:space:]]*\\.\\.\\. ' "$out" | head -n 5 >&2
    exit 1
  fi
  # A write prints "... to <broker> success." for each master broker it reached; none means it wrote nowhere.
  case "$command" in
    create* | update* | delete*)
      if ! grep -q ' success\\.$' "$out"; then
        echo "mqadmin $command reached no master broker of cluster $CLUSTER" >&2
        exit 1
      fi
      ;;
  esac
}

# require_master: the cluster has a master broker (id 0) at the name server, else every write would reach no
# broker and every read come back empty. clusterList prints "<cluster> <broker> <id> <address> ..." per broker.
require_master() {
  mq clusterList
  if ! awk -v c="$CLUSTER" '$1 == c && $3 == "0" { found = 1 } END { exit !found }' "$out"; then
    echo "no master broker of cluster $CLUSTER is registered at the name server $NAMESRV" >&2
    exit 1
  fi
}

# ensure_user <username> <password>: creates the user, or sets its password when it differs; else nothing.
ensure_user() {
  mq getUser -u "$1"
  current="$(awk -v u="$1" '$1 == u { print $2 }' "$out")"
  if [ -z "$current" ]; then
    mq createUser -u "$1" -p "$2"
    echo "user $1: created"
  elif [ "$current" != "$2" ]; then
    mq updateUser -u "$1" -p "$2"
    echo "user $1: password updated"
  else
    echo "user $1: unchanged"
  fi
}

# grant <subject> <resource> <actions, comma-separated>: allows exactly those actions on the resource.
grant() {
  mq getAcl -s "$1"
  current="$(awk -v r="$2" '$3 == r { line = $0; sub(/^[^[]*\\[/, "", line); sub(/\\].*$/, "", line); gsub(/ /, "", line); print line "|" $NF }' "$out")"
  if [ "$current" = "$3|Allow" ]; then
    echo "grant $1 $2 [$3]: unchanged"
  else
    mq updateAcl -s "$1" -r "$2" -a "$3" -d Allow
    echo "grant $1 $2 [$3]: \${current:+updated from [\${current%|*}] }applied"
  fi
}

# keep_only <subject> <resource>...: removes the subject's grants on any other resource.
keep_only() {
  subject="$1"
  shift
  mq getAcl -s "$subject"
  for resource in $(awk -v s="$subject" '$1 == s { print $3 }' "$out"); do
    keep=no
    for wanted in "$@"; do [ "$resource" = "$wanted" ] && keep=yes; done
    if [ "$keep" = no ]; then
      mq deleteAcl -s "$subject" -r "$resource"
      echo "grant $subject $resource: removed"
    fi
  done
}
`;

/** The script: `#!/bin/sh`, the helpers, then one line per topic, group, user and grant, in the plan's order. */
export function provisioningScript(plan: ProvisioningPlan): string {
  const violations = provisioningPlanViolations(plan);
  if (violations.length > 0)
    throw new RangeError(`invalid provisioning plan:\n  - ${violations.join('\n  - ')}`);
  const lines: string[] = ['#!/bin/sh', PRELUDE, 'require_master'];
  for (const t of plan.topics) {
    const w = shellWord(t.name);
    lines.push(
      `mq updateTopic -t ${w} -r ${t.queues} -w ${t.queues} -a ${shellWord(`+message.type=${t.messageType}`)}`,
      `echo "topic ${t.name}: applied (${t.queues} queues, ${t.messageType})"`,
    );
  }
  for (const g of plan.groups) {
    lines.push(
      `mq updateSubGroup -g ${shellWord(g.name)} -r ${g.retryMaxTimes} -o ${g.orderly}`,
      `echo "group ${g.name}: applied (retryMaxTimes ${g.retryMaxTimes}, orderly ${g.orderly})"`,
    );
  }
  for (const u of plan.users) {
    const subject = shellWord(`User:${u.username}`);
    const password = '"${' + `${u.passwordVariable}:?password of ${u.username}` + '}"';
    lines.push(`ensure_user ${shellWord(u.username)} ${password}`);
    for (const g of u.grants)
      lines.push(`grant ${subject} ${shellWord(g.resource)} ${shellWord(g.actions.join(','))}`);
    lines.push(`keep_only ${subject} ${u.grants.map((g) => shellWord(g.resource)).join(' ')}`);
  }
  lines.push('echo "provisioning complete"', '');
  return lines.join('\n');
}
