import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerVoiceHandlers(d: Dispatcher, s: Services): void {
  d.register(
    'voice.join',
    async (ctx, p) => {
      const r = await s.voice.join(ctx.userId, p);
      const me = r.participants.find((x) => x.userId === ctx.userId)!;
      // Bound before the reply is sent: the client's first audio frame follows the reply.
      s.voice.onJoined(ctx.connection, me);
      return r;
    },
    { write: true },
  );
  d.register('voice.leave', async (ctx) => {
    await s.voice.leave(ctx.userId, 'left');
    return { ok: true as const };
  }, { write: true });
  d.register('voice.set', (ctx, p) => s.voice.set(ctx.userId, p), { write: true });
}
