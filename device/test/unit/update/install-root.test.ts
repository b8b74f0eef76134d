import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findInstallRoot, installRootOfPath } from '../../../src/update/install-root.js';

describe('installRootOfPath', () => {
  it('finds the root of a release folder, and nothing elsewhere', () => {
    expect(installRootOfPath('/opt/gatecast/releases/1.4.0/agent.mjs')).toBe('/opt/gatecast');
    expect(installRootOfPath('/opt/gatecast/releases/1.5.0-rc.1/agent.mjs')).toBe('/opt/gatecast');
    expect(installRootOfPath('/work/main/device/dist/update/install-root.js')).toBeNull();
    expect(installRootOfPath('/opt/gatecast/releases/latest/agent.mjs')).toBeNull();
  });
});

describe('findInstallRoot', () => {
  it('prefers the configured root, else resolves the current link to the release it names', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gatecast-root-'));
    try {
      await mkdir(join(root, 'releases', '1.4.0'), { recursive: true });
      await writeFile(join(root, 'releases', '1.4.0', 'agent.mjs'), '');
      await symlink(join('releases', '1.4.0'), join(root, 'current'));
      const viaCurrent = pathToFileURL(join(root, 'current', 'agent.mjs')).href;
      expect(findInstallRoot(undefined, viaCurrent)).toBe(root);
      expect(findInstallRoot('/srv/configured', viaCurrent)).toBe('/srv/configured');
      expect(findInstallRoot(undefined)).toBeNull();
      expect(findInstallRoot(undefined, pathToFileURL(join(root, 'missing.mjs')).href)).toBeNull();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
