/**
 * The READMEs as a reader meets them: the root one short enough to read first, every relative link landing on
 * a file (and heading) that exists, and the examples showing what the code produces today.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { find, synthObjects } from '../synth/helpers';

const ROOT = path.resolve(__dirname, '..', '..');
/** Folders that hold no documentation of ours (dependencies, generated output). */
const SKIP = new Set([
  'node_modules',
  'dist',
  'cdk8s.out',
  'plan-out',
  'coverage',
  'bin',
  'lib',
  'api-docs',
  '.git',
  '.stryker-tmp',
]);
/** The root README is the front door (issue 22): at most this many bytes. */
const ROOT_README_MAX_BYTES = 15_000;

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.isFile() && entry.name.endsWith('.md') ? [full] : [];
  });
}

/** The text outside fenced code blocks, where a `[x](y)` is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
}

/**
 * GitHub's heading anchors: lower case, everything but letters, digits, spaces, `-` and `_` dropped, spaces
 * turned into `-`, and `-1`, `-2`, ... on repeats (Source: github/cmark-gfm's and github-slugger's algorithm).
 */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    out.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return out;
}

/** Every relative link target of a file, as written (`path#anchor`, `#anchor`); code spans hold no link. */
function relativeLinks(markdown: string): string[] {
  return [
    ...prose(markdown)
      .replace(/(`+)[^`][\s\S]*?\1/g, '')
      .matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g),
  ]
    .map((m) => m[1])
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** The fenced block that follows a `<!-- marker -->` line, parsed as YAML. */
function blockAfter(markdown: string, marker: string): unknown {
  const at = markdown.indexOf(`<!-- ${marker} -->`);
  if (at < 0) throw new Error(`no <!-- ${marker} --> in the README`);
  const block = /```ya?ml\n([\s\S]*?)\n```/.exec(markdown.slice(at));
  if (block === null) throw new Error(`no yaml block after <!-- ${marker} -->`);
  return parse(block[1]);
}

/** An object without its labels, as the READMEs show it. */
function withoutLabels(object: Record<string, unknown>): Record<string, unknown> {
  const metadata = { ...(object.metadata as Record<string, unknown>) };
  delete metadata.labels;
  return { ...object, metadata };
}

const readme = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('README files', () => {
  const files = markdownFiles(ROOT);

  test('the root README is at most 15,000 bytes', () => {
    expect(fs.statSync(path.join(ROOT, 'README.md')).size).toBeLessThanOrEqual(ROOT_README_MAX_BYTES);
  });

  test('every folder README the root README sends a reader to exists', () => {
    const folders = ['stacks', 'constructs', 'infra', 'infra/plan', 'infra/sample-app', 'tests'];
    expect(folders.filter((f) => !files.includes(path.join(ROOT, f, 'README.md')))).toEqual([]);
  });

  test('every relative link in a markdown file points to a file that exists, and to a heading it has', () => {
    const broken: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const target of relativeLinks(text)) {
        const [ref, anchor] = target.split('#') as [string, string | undefined];
        const resolved = ref === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(ref));
        const where = `${path.relative(ROOT, file)}: ${target}`;
        if (!fs.existsSync(resolved)) broken.push(`${where} (no such file)`);
        else if (anchor !== undefined && resolved.endsWith('.md')) {
          if (!anchors(fs.readFileSync(resolved, 'utf8')).has(anchor))
            broken.push(`${where} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  test('the link checker finds links, anchors and code blocks as GitHub reads them', () => {
    const sample = [
      '# Mutation testing: `npm run mutate`',
      '## Scale from zero: what the open-source broker exports',
      '## Notes',
      '## Notes',
      'See [a](stacks/README.md#the-hand-off), ![b](x.svg) and [web](https://example.com).',
      'A name matches `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`: code, not a link.',
      '```sh',
      '[not a link](nowhere.md)',
      '```',
    ].join('\n');
    expect([...anchors(sample)]).toEqual([
      'mutation-testing-npm-run-mutate',
      'scale-from-zero-what-the-open-source-broker-exports',
      'notes',
      'notes-1',
    ]);
    expect(relativeLinks(sample)).toEqual(['stacks/README.md#the-hand-off', 'x.svg']);
  });
});

describe('README examples', () => {
  test('the smallest example in README.md is the committed dev workload, and its ScaledObject spec is what synth writes', () => {
    const text = readme('README.md');
    const snippet = blockAfter(text, 'from: stacks/Pulumi.dev.yaml') as {
      'apsaramq-keda:workloads': Record<string, unknown>[];
    };
    const stack = parse(readme('stacks/Pulumi.dev.yaml')) as {
      config: { 'apsaramq-keda:workloads': Record<string, unknown>[] };
    };
    const [shown] = snippet['apsaramq-keda:workloads'];
    const committed = stack.config['apsaramq-keda:workloads'].find((w) => w.name === shown.name);
    // Abridged: every key shown has the committed value.
    expect(committed).toMatchObject(shown);
    const scaledObject = find(synthObjects('dev'), 'ScaledObject', String(shown.name));
    expect(blockAfter(text, 'synthesized: dev order-fulfilment ScaledObject spec')).toEqual({
      spec: scaledObject.spec,
    });
  });

  test('the ScaledObject in constructs/README.md is what synth writes for prod order-fulfilment', () => {
    const scaledObject = find(synthObjects('prod'), 'ScaledObject', 'order-fulfilment');
    expect(
      blockAfter(readme('constructs/README.md'), 'synthesized: prod order-fulfilment ScaledObject'),
    ).toEqual(withoutLabels(scaledObject));
  });
});
