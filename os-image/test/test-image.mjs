// `npm run test:image`: checks the built SD image — the shipped .img.xz, not the build's staging
// folder. Without mounting anything it reads the boot partition with mtools and copies the root
// partition out with debugfs; then it runs the image's own arm64 programs in a chroot through
// qemu-user (binfmt_misc), with /proc, /sys and /dev bound in a private mount namespace (unshare -m)
// that vanishes with the check. One line per check; exit 1 on any miss. Needs root.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { writeProvisionFileToImage } from '../../provisioning/dist/index.js';
import { loadAgentConfig } from '../../device/dist/config/load-config.js';
import { importBootProvisioning } from '../../device/dist/provisioning/import-boot-provisioning.js';

const here = fileURLToPath(new URL('..', import.meta.url));
const version = JSON.parse(readFileSync(join(here, '../device/package.json'), 'utf8')).version;
const out = process.env.GATECAST_IMAGE_OUT ?? join(here, 'out');
const imageXz = join(out, `gatecast-${version}-arm64.img.xz`);
const UNITS = [
  'gatecast-agent.service',
  'gatecast-kiosk.service',
  'gatecast-install-root.service',
  'opt-gatecast.mount',
  'gatecast-data.service',
  'gatecast-grow-data.service',
  'gatecast-ssh.path',
  'gatecast-wifi.path',
  'gatecast-wifi.service',
];
// Every script gatecast shows: Vietnamese, Chinese, Lao, Khmer, Korean, Japanese, Thai, Cyrillic.
const LANGS = ['vi', 'zh-cn', 'zh-tw', 'lo', 'km', 'ko', 'ja', 'th', 'ru'];
const BOOT_FILES = [
  'bootcode.bin',
  'start4.elf',
  'fixup4.dat',
  'vmlinuz',
  'initrd.img',
  'bcm2711-rpi-4-b.dtb',
  'bcm2712-rpi-5-b.dtb',
  'bcm2710-rpi-3-b-plus.dtb',
  'config.txt',
  'cmdline.txt',
];

let failures = 0;
function check(name, ok, detail = '') {
  if (!ok) failures += 1;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'}  ${name}${detail ? ` — ${detail}` : ''}\n`);
}
const run = (cmd, args, options = {}) =>
  spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000, ...options });
const oneLine = (text) => text.trim().split('\n').slice(-3).join(' | ').slice(0, 300);

async function sha256Of(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

/** Runs a command in the image's root through qemu-user, with /proc, /sys and /dev in a private namespace. */
function inImage(root, command, timeout = 300_000) {
  const script = [
    'set -e',
    `mount -t proc proc '${root}/proc'`,
    `mount -t sysfs sys '${root}/sys'`,
    `mount --rbind /dev '${root}/dev'`,
    `mount -t tmpfs tmpfs '${root}/tmp'`,
    `mount -t tmpfs tmpfs '${root}/run'`,
    `exec chroot '${root}' /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LANG=C.UTF-8 /bin/sh -c "$1"`,
  ].join('\n');
  return run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'in-image', command], {
    timeout,
  });
}

async function main() {
  if (process.getuid?.() !== 0) throw new Error('test:image needs root (chroot, unshare)');
  const work = await mkdtemp(join(process.env.TMPDIR ?? '/var/tmp', 'gatecast-image-test-'));
  try {
    // GATECAST_TEST_IMAGE=FILE.img checks an uncompressed image as is (for working on the checks).
    let image = process.env.GATECAST_TEST_IMAGE;
    if (!image) {
      check('image and checksum exist', existsSync(imageXz) && existsSync(`${imageXz}.sha256`), imageXz);
      const expected = readFileSync(`${imageXz}.sha256`, 'utf8').split(/\s+/)[0];
      check('sha256 matches the .sha256 file', (await sha256Of(imageXz)) === expected);
      image = join(work, 'image.img');
      execFileSync('sh', ['-c', `xz -dc -T0 '${imageXz}' > '${image}'`]);
    }
    const table = JSON.parse(execFileSync('sfdisk', ['--json', image], { encoding: 'utf8' })).partitiontable;
    const parts = table.partitions;
    check(
      'MBR with boot (FAT32), root and data partitions',
      table.label === 'dos' &&
        parts.length === 3 &&
        parts[0].type === 'c' &&
        parts[1].type === '83' &&
        parts[2].type === '83',
    );
    const offset = (part) => part.start * (table.sectorsize ?? 512);

    checkBoot(image, offset(parts[0]));
    await checkProvisioning(image, offset(parts[0]), work);
    const rootPart = join(work, 'root.part');
    execFileSync('dd', [
      `if=${image}`,
      `of=${rootPart}`,
      'bs=512',
      `skip=${parts[1].start}`,
      `count=${parts[1].size}`,
      'conv=sparse',
      'status=none',
    ]);
    const dataPart = join(work, 'data.part');
    execFileSync('dd', [
      `if=${image}`,
      `of=${dataPart}`,
      'bs=512',
      `skip=${parts[2].start}`,
      `count=${parts[2].size}`,
      'conv=sparse',
      'status=none',
    ]);
    if (!process.env.GATECAST_TEST_IMAGE) await rm(image);
    check('root file system labelled gatecast-root', labelOf(rootPart) === 'gatecast-root');
    check('data file system labelled GATECAST-DATA', labelOf(dataPart) === 'GATECAST-DATA');

    const root = join(work, 'root');
    execFileSync('mkdir', [root]);
    // debugfs copies the tree out with owners, modes and links, without mounting the file system.
    const dumped = run('debugfs', ['-R', `rdump / ${root}`, rootPart]);
    check(
      'root partition copied out (debugfs rdump)',
      existsSync(join(root, 'usr/bin/node')),
      oneLine(dumped.stderr),
    );
    await rm(rootPart);
    checkRootFiles(root);
    checkInImage(root);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  process.stdout.write(
    failures === 0 ? 'test:image: all checks passed\n' : `test:image: ${failures} check(s) failed\n`,
  );
  process.exitCode = failures === 0 ? 0 : 1;
}

/**
 * The provisioning round trip on the built image: `gatecast provision`'s writer puts a provision
 * file into the boot partition (mtools, no mount); the agent's own first-boot import reads it back
 * out of that partition and its config loader accepts the result.
 */
async function checkProvisioning(image, bootOffset, work) {
  const target = process.env.GATECAST_TEST_IMAGE ? join(work, 'provisioned.img') : image;
  if (target !== image) execFileSync('cp', ['--sparse=always', image, target]);
  const secret = 'image-test-secret-0123456789abcdef';
  await writeProvisionFileToImage(target, {
    format: 1,
    fleetUrl: 'https://fleet.cat-bi.example',
    mqttUrl: 'mqtts://fleet.cat-bi.example:8883',
    device: { id: 'cat-bi-arrivals-01', secret },
    wifi: { ssid: 'CatBi-Screens', psk: 'image test passphrase' },
    gateId: 'cat-bi-airport',
    zoneId: 'arrivals-hall',
  });
  const boot = join(work, 'boot');
  await mkdir(join(boot, 'gatecast'), { recursive: true });
  const copied = run('mcopy', [
    '-i',
    `${target}@@${bootOffset}`,
    '::gatecast/provision.json',
    join(boot, 'gatecast'),
  ]);
  check(
    'provision file written into the boot partition and read back',
    copied.status === 0,
    oneLine(copied.stderr),
  );
  const configFile = join(work, 'data', 'agent.json');
  const imported = await importBootProvisioning({
    bootDir: boot,
    configFile,
    log: pino({ level: 'silent' }),
    network: { reload: async () => undefined },
  });
  check('the agent imports it at first boot', imported.kind === 'device', JSON.stringify(imported));
  const config = await loadAgentConfig(configFile).catch((error) => ({ error: error.message }));
  check(
    "the agent's config loader accepts the imported config",
    config.deviceId === 'cat-bi-arrivals-01' &&
      config.secret === secret &&
      config.mqtt?.url.startsWith('mqtts://'),
    config.error ?? '',
  );
  check(
    'the secret is gone from the boot partition copy',
    !readFileSync(join(boot, 'gatecast', 'provision.json'), 'utf8').includes(secret),
  );
  if (target !== image) await rm(target);
}

function labelOf(partFile) {
  return run('e2label', [partFile]).stdout.trim();
}

function checkBoot(image, offset) {
  const at = `${image}@@${offset}`;
  const listing = run('mdir', ['-b', '-i', at, '::/']);
  const names = new Set(
    listing.stdout
      .split('\n')
      .map((line) => line.replace(/^::\//, '').trim())
      .filter(Boolean),
  );
  for (const file of BOOT_FILES) check(`boot partition holds ${file}`, names.has(file));
  const config = run('mtype', ['-i', at, '::/config.txt']).stdout;
  check(
    'config.txt: 64-bit, Debian kernel and initrd, watchdog',
    /^arm_64bit=1$/m.test(config) &&
      /^kernel=vmlinuz$/m.test(config) &&
      /^initramfs initrd\.img followkernel$/m.test(config) &&
      /^dtparam=watchdog=on$/m.test(config),
  );
  const cmdline = run('mtype', ['-i', at, '::/cmdline.txt']).stdout;
  check(
    'cmdline.txt: root by label, read-only',
    /root=LABEL=gatecast-root/.test(cmdline) && /\bro\b/.test(cmdline),
    cmdline.trim(),
  );
}

function checkRootFiles(root) {
  const shadow = readFileSync(join(root, 'etc/shadow'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(':'));
  const usable = shadow.filter(([, password]) => !/^[!*]/.test(password ?? ''));
  check(
    'no account has a usable password (/etc/shadow: every one locked or "*")',
    usable.length === 0,
    usable.map(([name]) => name).join(', '),
  );
  const fstab = readFileSync(join(root, 'etc/fstab'), 'utf8');
  check(
    'fstab mounts the root read-only and the data partition at /var/lib/gatecast',
    /^LABEL=gatecast-root\s+\/\s+ext4\s+ro[,\s]/m.test(fstab) &&
      /^LABEL=GATECAST-DATA\s+\/var\/lib\/gatecast\s/m.test(fstab),
  );
  const journald = readFileSync(join(root, 'etc/systemd/journald.conf.d/gatecast.conf'), 'utf8');
  check('journal is volatile', /^Storage=volatile$/m.test(journald));
  check(
    'hardware watchdog on (RuntimeWatchdogSec)',
    /^RuntimeWatchdogSec=\S+/m.test(
      readFileSync(join(root, 'etc/systemd/system.conf.d/gatecast.conf'), 'utf8'),
    ),
  );
  const tz = run('readlink', [join(root, 'etc/localtime')]).stdout.trim();
  check('time zone Asia/Ho_Chi_Minh', tz.endsWith('/Asia/Ho_Chi_Minh'), tz);
  check(
    'no SSH host keys shipped',
    !readdirSync(join(root, 'etc/ssh')).some((name) => name.startsWith('ssh_host_')),
  );
  const current = run('readlink', [join(root, 'opt/gatecast/current')]).stdout.trim();
  check(
    `first release installed (current → ${current}) with its marker and the launcher`,
    current === `releases/${version}` &&
      existsSync(join(root, 'opt/gatecast', current, '.gatecast-release.json')) &&
      existsSync(join(root, 'opt/gatecast/launcher.mjs')),
  );
  // The links are absolute (/etc/systemd/system/…): they resolve only inside the image.
  const wants = (target, unit) =>
    lstatSync(join(root, 'etc/systemd/system', `${target}.wants`, unit), {
      throwIfNoEntry: false,
    })?.isSymbolicLink() === true;
  check(
    'agent, kiosk and SSH-on-key units enabled',
    wants('multi-user.target', 'gatecast-agent.service') &&
      wants('graphical.target', 'gatecast-kiosk.service') &&
      wants('multi-user.target', 'gatecast-ssh.path'),
  );
}

function checkInImage(root) {
  const help = inImage(root, 'node /opt/gatecast/current/agent.mjs --help');
  const selfTest = /--self-test/.test(help.stdout);
  // The self-test's storage check writes into the config's folder: the data dir, as on a screen.
  const agent = selfTest
    ? inImage(
        root,
        'node /opt/gatecast/current/agent.mjs --self-test --config /var/lib/gatecast/agent.json 2>&1',
      )
    : inImage(root, 'node /opt/gatecast/current/agent.mjs --version 2>&1');
  const agentOut = `${agent.stdout}${agent.stderr}`;
  if (selfTest) {
    // A chroot has no display or TV, so the report may say FAILED (exit 1); it must still be a report.
    check(
      'the agent starts in the image (node under qemu-user) with --self-test and prints its report',
      (agent.status === 0 || agent.status === 1) &&
        /^gatecast self-test/m.test(agentOut) &&
        /^self-test (PASSED|FAILED)/m.test(agentOut),
      oneLine(agentOut),
    );
    // Its fonts check runs fc-list with a 10 s limit, which qemu-user on a busy machine can exceed;
    // the fc-list checks below prove the fonts.
    const fonts = agentOut.split('\n').find((line) => /^\s*(PASS|FAIL|WARN|SKIP)\s+fonts\b/.test(line));
    process.stdout.write(`      (self-test's own fonts line: ${fonts?.trim() ?? 'none'})\n`);
  } else {
    check(
      `the agent starts in the image (--version; no --self-test in this agent yet)`,
      agent.status === 0 && agentOut.includes(version),
      oneLine(agentOut),
    );
  }
  const units = UNITS.map((unit) => `/etc/systemd/system/${unit}`).join(' ');
  const verify = inImage(root, `SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no ${units} 2>&1`);
  const verifyOut = `${verify.stdout}${verify.stderr}`;
  check(
    'systemd-analyze verify passes on the gatecast units',
    verify.status === 0 && !/gatecast|opt-gatecast/.test(verifyOut),
    oneLine(verifyOut) || 'clean',
  );
  for (const lang of LANGS) {
    const fonts = inImage(root, `fc-list :lang=${lang} family`);
    const families = [...new Set(fonts.stdout.trim().split('\n').filter(Boolean))];
    check(
      `fc-list :lang=${lang} finds fonts`,
      fonts.status === 0 && families.length > 0,
      `${families.length} families, e.g. ${families.slice(0, 2).join('; ')}`,
    );
  }
}

main().catch((error) => {
  console.error(`test:image: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
