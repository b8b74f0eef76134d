import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a file so that a reader (or a power cut) sees either the old content or the new one:
 * temp file with `mode` → fsync → rename → fsync the directory.
 */
export function writeFileAtomic(file: string, content: string, mode: number): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(temp, 'w', mode);
  let written = false;
  try {
    // open() applies the umask; set the mode explicitly so it is exactly what was asked.
    fs.fchmodSync(fd, mode);
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
    written = true;
  } finally {
    fs.closeSync(fd);
    if (!written) fs.rmSync(temp, { force: true });
  }
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  const dirFd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
}
