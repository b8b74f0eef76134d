import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CliError } from './io.js';

/** Asks for a secret on the terminal without echoing it. */
export async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new CliError('no terminal to ask for the password: use --password-stdin', 2);
  }
  process.stderr.write(question);
  // Echo is swallowed by writing the typed characters to nowhere.
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const reader = createInterface({ input: process.stdin, output: silent, terminal: true });
  try {
    return await new Promise<string>((resolve) => reader.question('', resolve));
  } finally {
    reader.close();
    process.stderr.write('\n');
  }
}

/** Reads the first line of standard input, for scripts: `echo "$PW" | gatecast login --password-stdin`. */
export async function readFirstLine(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const reader = createInterface({ input: stream });
  try {
    for await (const line of reader) return line;
  } finally {
    reader.close();
  }
  throw new CliError('standard input was empty; expected the password on the first line', 2);
}
