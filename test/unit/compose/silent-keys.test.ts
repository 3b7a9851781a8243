// Keys of the current compose spec that devstack used to drop without a word: `label_file` is now applied; the
// others (one container per service, Swarm-only deploy keys, options a mount or env file cannot carry here) get
// one warning each at the key's file:line:col. Cases written from the compose spec's text.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeErrorOf, loadIn, loadYaml, writeProject } from './temp-project.js';

const service = (body: string) => `services:\n  app:\n    image: alpine\n${body}`;

describe('label_file', () => {
  // Spec: "If the same label is defined in multiple files, the value from the last file in the list overrides
  // earlier ones. If a label is defined in both the label_file and the labels attribute, the value in labels takes
  // precedence."
  it('reads the files in order, later over earlier, and `labels` over both', async () => {
    const dir = writeProject({
      'compose.yaml': service('    label_file: [./base.labels, ./team.labels]\n    labels: { tier: from-labels }\n'),
      'base.labels': 'owner=base\ntier=base\nkeep=1\n',
      'team.labels': '# the team\nowner=team\ntier=team\n',
    });
    const p = await loadIn(dir);
    expect(p.services.app!.labels).toEqual({ owner: 'team', tier: 'from-labels', keep: '1' });
    expect(p.configFiles).toEqual(expect.arrayContaining([path.join(dir, 'base.labels'), path.join(dir, 'team.labels')]));
    expect(p.warnings).toEqual([]);
  });

  it('takes one path as a string; a missing file is a located error', async () => {
    const one = await loadIn(writeProject({ 'compose.yaml': service('    label_file: app.labels\n'), 'app.labels': 'a=b\n' }));
    expect(one.services.app!.labels).toEqual({ a: 'b' });
    const err = await composeErrorOf(loadYaml(service('    label_file: ./nope.labels\n')));
    expect(err.message).toMatch(/compose\.yaml:4:17: label file .*nope\.labels not found/);
  });

  it("an extended service's label file keeps its own folder", async () => {
    const dir = writeProject({
      'compose.yaml': 'services:\n  app:\n    extends: { file: shared/base.yaml, service: base }\n',
      'shared/base.yaml': 'services:\n  base:\n    image: alpine\n    label_file: ./base.labels\n',
      'shared/base.labels': 'from=shared\n',
    });
    expect((await loadIn(dir)).services.app!.labels).toEqual({ from: 'shared' });
  });
});

describe('keys devstack does not apply are named, not dropped', () => {
  async function warningsOf(body: string): Promise<string[]> {
    return ((await loadYaml(service(body))).warnings ?? []).map((w) => w.replace(/^.*compose\.yaml:/, 'compose.yaml:'));
  }

  it('scale and deploy.replicas are applied (see Replicas), so they get no warning', async () => {
    expect(await warningsOf('    scale: 3\n')).toEqual([]);
    expect(await warningsOf('    deploy:\n      replicas: 0\n')).toEqual([]);
    expect(await warningsOf('    scale: 1\n    deploy: { replicas: 1, mode: replicated }\n')).toEqual([]);
  });

  it('Swarm-only deploy keys', async () => {
    const warnings = await warningsOf(
      '    deploy:\n      mode: global\n      endpoint_mode: dnsrr\n      labels: { a: b }\n      placement: { constraints: [node.role==manager] }\n      update_config: { parallelism: 2 }\n      rollback_config: { parallelism: 2 }\n      resources:\n        reservations:\n          generic_resources: [{ discrete_resource_spec: { kind: gpu, value: 1 } }]\n',
    );
    expect(warnings).toEqual([
      "compose.yaml:5:7: services.app.deploy.mode is not applied: a Swarm setting (docker compose ignores it too)",
      "compose.yaml:6:7: services.app.deploy.endpoint_mode is not applied: a Swarm setting (docker compose ignores it too)",
      "compose.yaml:7:7: services.app.deploy.labels is not applied: a Swarm setting (docker compose ignores it too)",
      "compose.yaml:8:7: services.app.deploy.placement is not applied: a Swarm setting (docker compose ignores it too)",
      "compose.yaml:9:7: services.app.deploy.update_config is not applied: a Swarm setting (docker compose ignores it too)",
      "compose.yaml:10:7: services.app.deploy.rollback_config is not applied: a Swarm setting (docker compose ignores it too)",
      "compose.yaml:13:11: services.app.deploy.resources.reservations.generic_resources is not applied: a Swarm setting (docker compose ignores it too)",
    ]);
  });

  it('attach: false, pull_refresh_after, a non-default bind.recursive, volume.labels, env_file format', async () => {
    const dir = writeProject({
      'compose.yaml': service(
        '    attach: false\n    pull_refresh_after: 1h\n    env_file: [{ path: ./app.env, format: raw }]\n    volumes:\n      - type: bind\n        source: .\n        target: /src\n        bind: { recursive: readonly }\n      - type: volume\n        source: data\n        target: /data\n        volume: { labels: { a: b } }\nvolumes:\n  data: {}\n',
      ),
      'app.env': 'A=1\n',
    });
    const warnings = ((await loadIn(dir)).warnings ?? []).map((w) => w.replace(/^.*compose\.yaml:/, 'compose.yaml:'));
    expect(warnings.sort()).toEqual(
      [
        "compose.yaml:4:5: services.app.attach is not applied: devstack shows every service's logs (up --watch, logs)",
        'compose.yaml:5:5: services.app.pull_refresh_after is not applied: devstack pulls a missing image only; it does not pull again after a time',
        'compose.yaml:6:35: services.app.env_file[0].format is not applied: devstack reads env files in the dotenv format',
        'compose.yaml:11:17: services.app.volumes[0].bind.recursive is not applied: devstack mounts a bind with its submounts, as the engine does by default',
        'compose.yaml:15:19: services.app.volumes[1].volume.labels is not applied: label the volume where it is declared (top-level volumes)',
      ].sort(),
    );
    expect(await warningsOf('    attach: true\n')).toEqual([]);
  });
});
