// File modes of a service's secrets and configs (compose spec: "mode: The permissions for the file to be mounted
// in container, in octal notation"). Compose reads them with go-yaml, which keeps YAML 1.1's octal reading of an
// unquoted leading-zero integer (0440 is 288), and a string as octal ("0440" is 288 too); `config` writes the
// mode back in octal as a string ("0440"). tmpfs.mode, the other file mode, is read the same way.
import { describe, expect, it } from 'vitest';
import { renderComposeConfig } from '../../../src/compose/render-config.js';
import { parseYamlSource } from '../../../src/compose/yaml-source.js';
import { composeErrorOf, loadIn, writeProject } from './temp-project.js';

function projectWith(service: string, environment: Record<string, string> = {}) {
  const dir = writeProject({
    'compose.yaml': `services:\n  app:\n    image: alpine\n${service}secrets:\n  token: { file: ./token.txt }\nconfigs:\n  site: { file: ./site.conf }\n`,
    'token.txt': 't',
    'site.conf': '',
  });
  return loadIn(dir, { environment });
}

describe('secret and config modes', () => {
  it('an unquoted leading-zero mode is octal (YAML 1.1, as go-yaml reads it); a quoted one is octal too', async () => {
    const p = await projectWith('    secrets: [{ source: token, mode: 0440 }]\n    configs: [{ source: site, target: /etc/site.conf, mode: "0640" }]\n');
    expect(p.services.app!.secrets).toEqual([{ source: 'token', target: '/run/secrets/token', mode: 0o440 }]);
    expect(p.services.app!.configs).toEqual([{ source: 'site', target: '/etc/site.conf', mode: 0o640 }]);
  });

  it('a YAML 1.2 octal (0o440) is octal; a plain decimal (288) is the number written', async () => {
    const p = await projectWith('    secrets: [{ source: token, mode: 0o440 }]\n    configs: [{ source: site, mode: 288 }]\n');
    expect(p.services.app!.secrets![0]!.mode).toBe(288);
    expect(p.services.app!.configs![0]!.mode).toBe(288);
  });

  it('a mode from a variable is read as the string it is: octal', async () => {
    const p = await projectWith('    secrets: [{ source: token, mode: $MODE }]\n', { MODE: '0400' });
    expect(p.services.app!.secrets![0]!.mode).toBe(0o400);
  });

  it('a leading zero followed by 8 or 9 is no octal mode: a located error', async () => {
    const err = await composeErrorOf(projectWith('    secrets:\n      - source: token\n        mode: 0448\n'));
    expect(err.message).toMatch(/compose\.yaml:6:15: services\.app\.secrets\[0\]\.mode: 0448 is not an octal file mode/);
  });

  it('`config` shows them under secrets/configs with the mode in octal, not as volumes', async () => {
    const p = await projectWith('    secrets: [{ source: token, uid: "103", gid: "103", mode: 0440 }]\n    configs: [site]\n    volumes: ["./data:/data"]\n');
    const app = (renderComposeConfig(p, { showSecrets: false }) as { services: Record<string, Record<string, unknown>> }).services.app!;
    expect(app.secrets).toEqual([{ source: 'token', target: '/run/secrets/token', uid: '103', gid: '103', mode: '0440' }]);
    expect(app.configs).toEqual([{ source: 'site', target: '/site' }]);
    expect((app.volumes as { target: string }[]).map((v) => v.target)).toEqual(['/data']);
    // Underneath they stay read-only bind mounts, with a warning that the mode cannot apply to one.
    expect(p.services.app!.volumes.map((v) => v.target)).toEqual(['/data', '/run/secrets/token', '/site']);
    expect(p.warnings).toEqual([expect.stringMatching(/compose\.yaml:\d+:\d+: uid, gid, mode of secret "token" ignored/)]);
  });

  it('`config` shows the top-level ones too, named <project>_<key> unless `name:` says (as compose-go names them)', async () => {
    const dir = writeProject({
      'compose.yaml': 'name: shop\nservices:\n  app:\n    image: alpine\n    secrets: [token]\nsecrets:\n  token: { file: ./token.txt }\nconfigs:\n  site: { file: ./site.conf, name: site-v2 }\n',
      'token.txt': 't',
      'site.conf': '',
    });
    const out = renderComposeConfig(await loadIn(dir), { showSecrets: false }) as Record<string, unknown>;
    expect(out.secrets).toEqual({ token: { name: 'shop_token', file: `${dir}/token.txt` } });
    expect(out.configs).toEqual({ site: { name: 'site-v2', file: `${dir}/site.conf` } });
  });
});

describe('tmpfs.mode and other numbers', () => {
  it('tmpfs.mode 01777 is octal too (1023), as compose reads it', async () => {
    const p = await projectWith('    volumes:\n      - type: tmpfs\n        target: /scratch\n        tmpfs: { mode: 01777 }\n');
    expect(p.services.app!.volumes[0]).toMatchObject({ type: 'tmpfs', target: '/scratch', mode: 0o1777 });
  });

  it('only a plain leading-zero integer is marked; other fields keep the YAML 1.2 reading', async () => {
    const { root } = parseYamlSource('a: 0440\nb: "0440"\nc: 440\nd: 0.5\n', '/p/x.yaml');
    const values = root.kind === 'map' ? [...root.entries.values()].map((e) => e.value) : [];
    expect(values.map((v) => (v.kind === 'scalar' ? [v.value, v.leadingZero] : []))).toEqual([[440, '0440'], ['0440', undefined], [440, undefined], [0.5, undefined]]);
    const p = await projectWith('    cpu_shares: 0100\n');
    expect(p.services.app!.host?.cpuShares).toBe(100);
  });
});
