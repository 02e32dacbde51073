/*
 * Child-process entry for the fault tests: starts the server with options from OD_CHILD_OPTIONS and talks
 * to the test over the IPC channel. Run with --expose-gc so that memory figures are measured after a full
 * collection instead of depending on when V8 last happened to collect.
 */
import { startServer } from '@open-discord/server';

type Command = { cmd: 'mem'; seq: number } | { cmd: 'close'; seq: number };

const send = (msg: unknown) => process.send?.(msg);

const options = JSON.parse(process.env.OD_CHILD_OPTIONS ?? '{}') as Parameters<typeof startServer>[0];
const server = await startServer(options);
send({ type: 'listening', url: server.url, port: server.port, firstRunInvite: server.firstRunInvite ?? null });

const gc = (globalThis as { gc?: () => void }).gc;

process.on('message', (raw) => {
  const msg = raw as Command;
  if (msg.cmd === 'mem') {
    // Two passes: the first may only queue finalisers that free more on the second.
    gc?.();
    gc?.();
    send({ type: 'mem', seq: msg.seq, usage: process.memoryUsage() });
  } else if (msg.cmd === 'close') {
    void Promise.resolve(server.close()).then(
      () => {
        send({ type: 'closed', seq: msg.seq });
        process.exit(0);
      },
      (err: unknown) => {
        send({ type: 'closed', seq: msg.seq, error: String(err) });
        process.exit(1);
      },
    );
  }
});

// If the test process goes away, do not leave a server behind.
process.on('disconnect', () => process.exit(0));
