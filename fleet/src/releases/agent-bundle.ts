import { access, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatecastError } from '@gatecast/protocol';
import { build, type Plugin } from 'esbuild';

/** The agent's package (device/), from fleet/src/releases and fleet/dist/releases alike. */
export const DEVICE_PACKAGE_DIR = fileURLToPath(new URL('../../../device/', import.meta.url));

/** The file the artifact's agent starts from, and the static folders it serves beside it. */
export const AGENT_ENTRY = 'agent.mjs';
/** The stable launcher systemd starts; copied from a release to the install root once. */
export const LAUNCHER_ENTRY = 'launcher.mjs';
export const AGENT_ASSET_DIRS = ['player-ui', 'kiosk-ui'] as const;
export const RELEASE_INFO_FILE = 'release.json';

/**
 * In the package the agent finds its version and pages one level above src/ and dist/; in a
 * release everything sits beside agent.mjs. These literal paths are rewritten in the bundle, and
 * a rewrite that finds nothing fails the build, so a moved path cannot ship a broken agent.
 */
const PATH_REWRITES = [
  { file: 'src/lib/version.ts', from: `'../../package.json'`, to: `'./${RELEASE_INFO_FILE}'` },
  { file: 'src/lib/build-info.ts', from: `'../../dist/main.js'`, to: `'./${AGENT_ENTRY}'` },
  { file: 'src/player/player-server.ts', from: `'../../player-ui/'`, to: `'./player-ui/'` },
  { file: 'src/player/player-server.ts', from: `'../../kiosk-ui/'`, to: `'./kiosk-ui/'` },
] as const;

/** CommonJS dependencies bundled into an ES module still ask for require, __filename and __dirname. */
const COMMONJS_SHIM = [
  `import { createRequire as __gatecastRequire } from 'node:module';`,
  `import { fileURLToPath as __gatecastFilePath } from 'node:url';`,
  `import { dirname as __gatecastDirname } from 'node:path';`,
  `const require = __gatecastRequire(import.meta.url);`,
  `const __filename = __gatecastFilePath(import.meta.url);`,
  `const __dirname = __gatecastDirname(__filename);`,
].join('\n');

/**
 * Bundles the agent (device/src/main.ts and every npm dependency) into one ES module for Node 20.
 * Returns the bundle's size in bytes.
 */
export async function bundleAgent(outFile: string, deviceDir = DEVICE_PACKAGE_DIR): Promise<number> {
  const applied = new Set<(typeof PATH_REWRITES)[number]>();
  const bytes = await bundleDeviceEntry('src/main.ts', outFile, deviceDir, [
    releasePaths(deviceDir, applied),
  ]);
  const missed = PATH_REWRITES.filter((rewrite) => !applied.has(rewrite));
  if (missed.length > 0) {
    const names = missed.map((rewrite) => `${rewrite.from} in device/${rewrite.file}`).join(', ');
    throw new GatecastError('INTERNAL', `the agent's asset paths moved (${names}); update agent-bundle.ts`);
  }
  return bytes;
}

/**
 * Bundles the launcher (device/src/launcher/launcher.ts) the same way: it finds the install root
 * from its own path, so it needs no rewrites. Returns the bundle's size in bytes.
 */
export async function bundleLauncher(outFile: string, deviceDir = DEVICE_PACKAGE_DIR): Promise<number> {
  return bundleDeviceEntry('src/launcher/launcher.ts', outFile, deviceDir, []);
}

async function bundleDeviceEntry(
  source: string,
  outFile: string,
  deviceDir: string,
  plugins: Plugin[],
): Promise<number> {
  const entry = join(deviceDir, source);
  await access(entry).catch(() => {
    throw new GatecastError(
      'NOT_FOUND',
      `no agent sources at ${entry}: build releases from a gatecast checkout`,
    );
  });
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: deviceDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: outFile,
    banner: { js: COMMONJS_SHIM },
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
    plugins,
  }).catch((error: Error) => {
    throw new GatecastError('INTERNAL', `could not bundle ${source}: ${error.message.split('\n')[0]}`);
  });
  return Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
}

function releasePaths(deviceDir: string, applied: Set<(typeof PATH_REWRITES)[number]>): Plugin {
  const files = new Set<string>(PATH_REWRITES.map((rewrite) => rewrite.file));
  return {
    name: 'gatecast-release-paths',
    setup(build) {
      build.onLoad({ filter: /[\\/]device[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const file = relative(deviceDir, args.path).split(sep).join('/');
        if (!files.has(file)) return undefined;
        let contents = await readFile(args.path, 'utf8');
        for (const rewrite of PATH_REWRITES) {
          if (rewrite.file !== file || !contents.includes(rewrite.from)) continue;
          contents = contents.replace(rewrite.from, rewrite.to);
          applied.add(rewrite);
        }
        return { contents, loader: 'ts' };
      });
    },
  };
}
