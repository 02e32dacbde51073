import type { Socket } from 'node:net';
import { applyEvent, CloseCode, type PublicUser, type Room, type ServerFrame, type World, worldFromState } from '@open-discord/protocol';
import type { Log } from '../../core/deps.js';
import { OdLink, OdRequestError, type OpenSession } from './bridge.js';
import { CAPS, capLsLines, tagAllowed } from './caps.js';
import { runCommand } from './commands.js';
import { Fakelag, type FloodRate, LineReader } from './line-reader.js';
import { formatMessage, type IrcMessage, parseMessage } from './message.js';
import { foldIrc, fromIrcChannel, fromIrcNick, toIrcChannel, toIrcNick } from './names.js';
import { messageLines, renderEvent, renderNotice } from './render.js';
import { saslPlain } from './sasl.js';

/** An od login for IRC: the accounts service's password check and rate limit (an app password check later). */
export type IrcLogin = (username: string, password: string, ip: string) => Promise<IrcTokens>;

/** A login's tokens and whose they are (the account name IRC shows is the od user id: usernames are private). */
export interface IrcTokens {
  accessToken: string;
  refreshToken: string;
  userId: string;
}

export interface IrcOptions {
  /** The server name in numerics and the host of every user's mask. */
  serverName: string;
  network: string;
  /** Lines of the message of the day; empty: 422. */
  motd: readonly string[];
  registrationTimeoutMs: number;
  /** Silence after which the gateway sends PING; the same again without an answer closes the link. */
  pingIntervalMs: number;
  /** Bytes waiting to be written to a client beyond which it is disconnected (a slow reader). */
  sendBufferCap: number;
  flood: FloodRate;
  /** At most this many unread messages are replayed per channel on JOIN. */
  replayLimit: number;
  now: () => number;
  log: Log;
  login: IrcLogin;
  refresh: (refreshToken: string) => Promise<IrcTokens>;
  logout: (refreshToken: string) => Promise<void>;
  openSession: OpenSession;
}

/** A line for the client before the tags its capabilities allow are applied. */
export interface Out {
  tags?: Record<string, string | undefined>;
  source?: string | null;
  command: string;
  params?: readonly string[];
}

type Phase = 'registering' | 'authenticating' | 'registered' | 'closed';

/** One IRC client: its registration, then a live od session rendered as IRC lines. */
export class IrcConnection {
  phase: Phase = 'registering';
  readonly caps = new Set<string>();
  capVersion = 0;
  private negotiating = false;
  private clientNick: string | null = null;
  private userGiven = false;
  private pass: string | null = null;
  private sasl: { buf: string } | null = null;
  private tokens: IrcTokens | null = null;
  link: OdLink | null = null;
  world: World | null = null;
  /** Our nick as the client knows it. */
  nick = '*';
  /** Rooms the IRC client is in (JOIN sent), by room id: the channel name it knows them by. */
  readonly channels = new Map<string, string>();
  /** Who is in each of those rooms (from NAMES and joins/parts), for NICK, QUIT and AWAY audiences. */
  readonly members = new Map<string, Set<string>>();
  /** Nonces of messages this connection sent, with the label of the command that sent them. */
  readonly sentNonces = new Map<string, string | undefined>();
  private nonceSeq = 0;
  private readonly reader: LineReader;
  private readonly lag: Fakelag;
  private chain: Promise<void> = Promise.resolve();
  private collector: Out[] | null = null;
  private regTimer: NodeJS.Timeout | null;
  private pingTimer: NodeJS.Timeout | null = null;
  private heardSincePing = true;
  private pingSent = false;
  private corked = false;
  private batchSeq = 0;
  /** The last order applied to the world: resuming after a token refresh replays from here. */
  private accounted = 0;

  constructor(
    readonly socket: Socket,
    readonly ip: string,
    readonly o: IrcOptions,
    private readonly onGone: () => void,
  ) {
    this.lag = new Fakelag(o.flood, o.now, (line) => this.line(line), () => this.quit('Excess Flood'));
    this.reader = new LineReader((line) => this.lag.push(line), () => this.numeric('417', 'Input line was too long'));
    this.regTimer = setTimeout(() => this.quit('Registration timed out'), o.registrationTimeoutMs);
    this.regTimer.unref();
    socket.on('data', (chunk: Buffer) => {
      this.heardSincePing = true;
      this.reader.push(chunk);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.gone());
    this.armPing();
  }

  // ---------------------------------------------------------------- output

  has(cap: string): boolean {
    return this.caps.has(cap);
  }

  /** Queue a line for the client: inside a labeled command it is collected, otherwise written. */
  send(m: Out): void {
    if (this.phase === 'closed') return;
    if (this.collector) this.collector.push(m);
    else this.write(m);
  }

  private write(m: Out): void {
    let tags: Record<string, string> | undefined;
    if (m.tags) {
      for (const [k, v] of Object.entries(m.tags)) {
        if (v === undefined || !tagAllowed(k, this.caps)) continue;
        (tags ??= {})[k] = v;
      }
    }
    const line = formatMessage({ ...m, ...(tags ? { tags } : { tags: {} }) });
    if (!this.socket.writable) return;
    if (!this.corked) {
      // One write per tick: a burst of lines leaves in one syscall.
      this.corked = true;
      const before = this.socket.writableLength;
      this.socket.cork();
      setImmediate(() => {
        this.corked = false;
        this.socket.uncork();
        // A slow reader: what it left unread was over the cap before this tick's lines, and still is. Judging
        // by the size after this tick's writes alone would cut off a reader for one large burst (a replay).
        if (before > this.o.sendBufferCap && this.socket.writableLength > this.o.sendBufferCap) this.drop('SendQ exceeded');
      });
    }
    this.socket.write(`${line}\r\n`);
  }

  numeric(code: string, ...params: string[]): void {
    this.send({ source: this.o.serverName, command: code, params: [this.nick, ...params] });
  }

  /** `FAIL`, `WARN` or `NOTE` (IRCv3 standard replies). */
  standard(kind: 'FAIL' | 'WARN' | 'NOTE', command: string, code: string, ...rest: string[]): void {
    this.send({ source: this.o.serverName, command: kind, params: [command, code, ...rest] });
  }

  notice(text: string): void {
    this.send({ source: this.o.serverName, command: 'NOTICE', params: [this.nick, text] });
  }

  newBatch(): string {
    return `b${(++this.batchSeq).toString(36)}`;
  }

  newNonce(label: string | undefined): string {
    const nonce = `irc-${Date.now().toString(36)}-${(++this.nonceSeq).toString(36)}`;
    this.sentNonces.set(nonce, label);
    // Bounded: a nonce is looked up once, when its message comes back; lost ones (refused sends) age out.
    if (this.sentNonces.size > 512) this.sentNonces.delete(this.sentNonces.keys().next().value!);
    return nonce;
  }

  // ---------------------------------------------------------------- names

  nickOf(userId: string): string {
    const u = this.world?.users[userId] ?? this.world?.formerUsers[userId];
    return u ? toIrcNick(u.nickname) : `|${userId}|`;
  }

  userSource(userId: string): string {
    return `${this.nickOf(userId)}!${userId}@${this.o.serverName}`;
  }

  get mySource(): string {
    return this.world ? this.userSource(this.world.me.id) : this.nick;
  }

  /**
   * The channel a room is known as; null for direct chats (they are private messages), voice rooms (IRC has
   * no audio, and they carry no text) and unknown rooms.
   */
  channelOf(room: Room): string | null {
    if (room.kind === 'dm' || room.kind === 'voice') return null;
    return toIrcChannel(room.name, room.kind);
  }

  /** A visible room by its channel name, exactly as a missing one when hidden (null either way). */
  roomOfChannel(channel: string): Room | null {
    if (!this.world || !/^[#&]/.test(channel)) return null;
    const name = fromIrcChannel(channel.slice(1));
    if (name === null) return null;
    const want = name.toLowerCase();
    const group = channel.startsWith('&');
    for (const r of Object.values(this.world.rooms)) {
      if (r.kind === 'dm' || (r.kind === 'group') !== group) continue;
      if (r.name.toLowerCase() === want) return r;
    }
    return null;
  }

  userOfNick(nick: string): PublicUser | null {
    if (!this.world) return null;
    const name = fromIrcNick(nick);
    if (name === null) return null;
    const want = name.toLowerCase();
    const folded = foldIrc(nick);
    for (const u of Object.values(this.world.users)) if (u.nickname.toLowerCase() === want || foldIrc(toIrcNick(u.nickname)) === folded) return u;
    return null;
  }

  // ---------------------------------------------------------------- input

  private line(bytes: Buffer): void {
    if (this.phase === 'closed') return;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // UTF8ONLY: a line that is not UTF-8 is refused, not guessed at.
      this.standard('FAIL', '*', 'INVALID_UTF8', 'Message rejected: it is not UTF-8');
      return;
    }
    if (Buffer.byteLength(text.replace(/^@\S*\s*/, '')) > 510) {
      this.numeric('417', 'Input line was too long');
      return;
    }
    const msg = parseMessage(text);
    if (!msg) return;
    this.enqueue(() => this.handle(msg));
  }

  /** Everything the client sees happens in one order: commands and od frames are handled one after another. */
  enqueue(fn: () => void | Promise<void>): void {
    this.chain = this.chain.then(fn).catch((error: unknown) => {
      this.o.log({ level: 'error', msg: 'irc command failed', error: String(error) });
      this.collector = null;
    });
  }

  private async handle(m: IrcMessage): Promise<void> {
    if (this.phase === 'closed') return;
    const label = this.has('labeled-response') ? m.tags.label : undefined;
    if (label === undefined) return this.dispatch(m, undefined);
    this.collector = [];
    try {
      await this.dispatch(m, label);
    } finally {
      const lines = this.collector ?? [];
      this.collector = null;
      this.flushLabeled(label, lines, m.command === 'PRIVMSG' || m.command === 'NOTICE');
    }
  }

  /** labeled-response: no lines → ACK, one line → labelled, more → a labeled-response batch. */
  private flushLabeled(label: string, lines: Out[], echoFollows: boolean): void {
    if (lines.length === 0) {
      // A message that will be echoed carries the label itself.
      if (!(echoFollows && this.has('echo-message'))) this.write({ tags: { label }, source: this.o.serverName, command: 'ACK' });
      return;
    }
    if (lines.length === 1) return this.write({ ...lines[0]!, tags: { ...lines[0]!.tags, label } });
    const ref = this.newBatch();
    this.write({ tags: { label }, source: this.o.serverName, command: 'BATCH', params: [`+${ref}`, 'labeled-response'] });
    for (const l of lines) this.write(l.tags?.batch ? l : { ...l, tags: { ...l.tags, batch: ref } });
    this.write({ source: this.o.serverName, command: 'BATCH', params: [`-${ref}`] });
  }

  private async dispatch(m: IrcMessage, label: string | undefined): Promise<void> {
    switch (m.command) {
      case 'CAP':
        return this.cap(m);
      case 'PING':
        if (!m.params.length) return this.numeric('409', 'No origin specified');
        return this.send({ source: this.o.serverName, command: 'PONG', params: [this.o.serverName, m.params[m.params.length - 1]!] });
      case 'PONG':
        this.pingSent = false;
        return;
      case 'QUIT':
        return this.quit(m.params[0] ? `Quit: ${m.params[0].slice(0, 200)}` : 'Client Quit');
    }
    if (this.phase === 'registered') return runCommand(this, m, label);
    switch (m.command) {
      case 'NICK':
        if (!m.params[0]) return this.numeric('431', 'No nickname given');
        this.clientNick = m.params[0];
        if (this.nick === '*') this.nick = m.params[0].slice(0, 64);
        return this.maybeRegister();
      case 'USER':
        if (m.params.length < 4) return this.numeric('461', 'USER', 'Not enough parameters');
        this.userGiven = true;
        return this.maybeRegister();
      case 'PASS':
        if (!m.params[0]) return this.numeric('461', 'PASS', 'Not enough parameters');
        this.pass = m.params[0];
        return;
      case 'AUTHENTICATE':
        return this.authenticate(m);
      default:
        return this.numeric('451', 'You have not registered');
    }
  }

  // ---------------------------------------------------------------- CAP and SASL

  private cap(m: IrcMessage): void | Promise<void> {
    const sub = (m.params[0] ?? '').toUpperCase();
    const star = this.phase === 'registered' ? this.nick : '*';
    const reply = (...p: string[]) => this.send({ source: this.o.serverName, command: 'CAP', params: [star, ...p] });
    switch (sub) {
      case 'LS': {
        if (this.phase !== 'registered') this.negotiating = true;
        const v = Number.parseInt(m.params[1] ?? '0', 10);
        this.capVersion = Math.max(this.capVersion, Number.isFinite(v) ? v : 0);
        // CAP LS 302 implies cap-notify.
        if (this.capVersion >= 302) this.caps.add('cap-notify');
        const lines = capLsLines(this.capVersion);
        lines.forEach((l, i) => (i < lines.length - 1 && this.capVersion >= 302 ? reply('LS', '*', l) : reply('LS', l)));
        return;
      }
      case 'LIST':
        return reply('LIST', [...this.caps].join(' '));
      case 'REQ': {
        if (this.phase !== 'registered') this.negotiating = true;
        const wanted = (m.params[1] ?? '').split(' ').filter(Boolean);
        // All or nothing: one unknown capability refuses the whole request.
        const ok = wanted.length > 0 && wanted.every((c) => Object.hasOwn(CAPS, c.replace(/^-/, '')));
        if (!ok) return reply('NAK', m.params[1] ?? '');
        for (const c of wanted) {
          if (c.startsWith('-')) this.caps.delete(c.slice(1));
          else this.caps.add(c);
        }
        return reply('ACK', m.params[1] ?? '');
      }
      case 'END':
        if (this.phase === 'registered') return;
        this.negotiating = false;
        return this.maybeRegister();
      default:
        return this.numeric('410', sub || '*', 'Invalid CAP command');
    }
  }

  private async authenticate(m: IrcMessage): Promise<void> {
    const arg = m.params[0] ?? '';
    if (this.tokens) return this.numeric('907', 'You have already authenticated using SASL');
    if (arg === '*') {
      this.sasl = null;
      return this.numeric('906', 'SASL authentication aborted');
    }
    if (!this.sasl) {
      if (arg.toUpperCase() !== 'PLAIN') {
        this.numeric('908', 'PLAIN', 'are available SASL mechanisms');
        return this.numeric('904', 'SASL authentication failed');
      }
      this.sasl = { buf: '' };
      return this.send({ command: 'AUTHENTICATE', params: ['+'] });
    }
    if (arg.length > 400) {
      this.sasl = null;
      return this.numeric('905', 'SASL message too long');
    }
    if (arg !== '+') this.sasl.buf += arg;
    // A chunk of exactly 400 bytes means more follow.
    if (arg.length === 400) {
      if (this.sasl.buf.length > 4 * 400) {
        this.sasl = null;
        return this.numeric('905', 'SASL message too long');
      }
      return;
    }
    const creds = saslPlain(this.sasl.buf);
    this.sasl = null;
    if (!creds) return this.numeric('904', 'SASL authentication failed');
    if (await this.login(creds.username, creds.password)) {
      const account = this.tokens!.userId;
      this.numeric('900', `${this.nick}!${account}@${this.o.serverName}`, account, `You are now logged in as ${creds.username}`);
      this.numeric('903', 'SASL authentication successful');
    } else this.numeric('904', 'SASL authentication failed');
  }

  /** Check credentials with od; true when logged in. Failures say why in a NOTICE when it helps. */
  private async login(username: string, password: string): Promise<boolean> {
    try {
      this.tokens = await this.o.login(username, password, this.ip);
      return true;
    } catch (error) {
      const body = error instanceof OdRequestError ? error.body : error instanceof Error && 'code' in error ? (error as { code: string; message: string }) : null;
      if (body?.code === 'CODE_REQUIRED') {
        this.notice('This account uses two-factor login: connect with an app password created in od (/apppassword create irc).');
      } else if (body?.code === 'RATE_LIMITED') this.notice('Too many login attempts; wait a moment and try again.');
      else if (body?.code === 'FORBIDDEN') this.notice(body.message);
      return false;
    }
  }

  // ---------------------------------------------------------------- registration

  private async maybeRegister(): Promise<void> {
    if (this.phase !== 'registering' || this.negotiating || !this.clientNick || !this.userGiven) return;
    this.phase = 'authenticating';
    if (!this.tokens && this.pass !== null) {
      const colon = this.pass.indexOf(':');
      if (colon > 0) await this.login(this.pass.slice(0, colon), this.pass.slice(colon + 1));
    }
    if (this.phase !== 'authenticating') return;
    if (!this.tokens) {
      this.numeric('464', 'Password incorrect');
      this.notice('Log in with SASL PLAIN or PASS username:password using your od account.');
      return this.quit('Bad password');
    }
    try {
      await this.startSession();
    } catch (error) {
      const msg = error instanceof OdRequestError ? error.body.message : 'server busy';
      return this.quit(`Could not start the session: ${msg}`);
    }
    if (this.phase !== 'authenticating') return;
    if (this.regTimer) clearTimeout(this.regTimer);
    this.regTimer = null;
    this.phase = 'registered';
    this.welcome();
    const w = this.world!;
    for (const roomId of Object.keys(w.joined)) {
      const room = w.rooms[roomId];
      if (room && this.channelOf(room)) await this.joinChannel(room, undefined);
    }
  }

  /** Open the od session and load what the user sees. */
  private async startSession(): Promise<void> {
    const link = new OdLink(this.o.openSession, this.ip, () => this.socket.writableLength, {
      frame: (f) => this.enqueue(() => this.frame(f)),
      closed: (code, reason) => this.enqueue(() => this.sessionClosed(code, reason)),
    });
    this.link = link;
    await link.connect(this.tokens!.accessToken);
    const state = await link.request('state', {});
    this.world = worldFromState(state, undefined, 100);
    this.accounted = state.head;
    this.nick = toIrcNick(state.me.nickname);
  }

  private welcome(): void {
    const n = this.o.serverName;
    this.numeric('001', `Welcome to the ${this.o.network} IRC gateway, ${this.nick}`);
    this.numeric('002', `Your host is ${n}, running od`);
    this.numeric('003', 'This server was created with the od community it serves');
    this.numeric('004', n, 'od', 'i', 'nt');
    const tokens = [
      'CASEMAPPING=ascii',
      'CHANTYPES=#&',
      'CHANMODES=,,,nt',
      'CHANNELLEN=200',
      'CHATHISTORY=100',
      'MSGREFTYPES=msgid,timestamp',
      `NETWORK=${this.o.network.replace(/\s/g, '-')}`,
      'NICKLEN=200',
      'PREFIX=(qao)~&@',
      'STATUSMSG=',
      'TOPICLEN=256',
      'UTF8ONLY',
      'AWAYLEN=200',
      'TARGMAX=PRIVMSG:1,NOTICE:1,JOIN:10,PART:10,NAMES:1,WHO:1',
    ];
    this.numeric('005', ...tokens, 'are supported by this server');
    if (this.o.motd.length === 0) this.numeric('422', 'MOTD File is missing');
    else {
      this.numeric('375', `- ${n} Message of the day -`);
      for (const l of this.o.motd) this.numeric('372', `- ${l}`);
      this.numeric('376', 'End of /MOTD command');
    }
  }

  // ---------------------------------------------------------------- od frames

  private async frame(f: ServerFrame): Promise<void> {
    if (this.phase !== 'registered' || !this.world) return;
    if (f.type === 'event' || f.type === 'replay') {
      const events = f.type === 'event' ? [f.event] : f.events;
      for (const e of events) {
        // Published while the login's `state` was being read: already in the world it was built from.
        if (e.order <= this.world.head) continue;
        const before = this.world;
        this.world = applyEvent(before, e);
        this.accounted = Math.max(this.accounted, e.order);
        await renderEvent(this, before, e);
        if (this.phase !== 'registered') return;
      }
      if (f.type === 'replay') this.accounted = Math.max(this.accounted, f.through);
      return;
    }
    renderNotice(this, f);
  }

  /** The od session ended: an expired token is refreshed and the session resumed where it was; else the link closes. */
  private async sessionClosed(code: number, reason: string): Promise<void> {
    if (this.phase === 'closed') return;
    if (code === CloseCode.UNAUTHORIZED && reason === 'access token expired' && this.tokens) {
      try {
        this.tokens = await this.o.refresh(this.tokens.refreshToken);
        const link = new OdLink(this.o.openSession, this.ip, () => this.socket.writableLength, {
          frame: (f) => this.enqueue(() => this.frame(f)),
          closed: (c, r) => this.enqueue(() => this.sessionClosed(c, r)),
        });
        this.link = link;
        await link.connect(this.tokens.accessToken, this.accounted);
        return;
      } catch {
        return this.quit('Session expired; log in again');
      }
    }
    this.tokens = null;
    this.quit(reason || 'Session closed');
  }

  // ---------------------------------------------------------------- channels (shared by commands and render)

  /**
   * Tell the client it is in a room: JOIN, topic, names, then the messages it has not read (bounded; a
   * chathistory batch when it takes batches). Used for JOIN commands, joins made in od, and registration.
   */
  async joinChannel(room: Room, label: string | undefined): Promise<void> {
    void label;
    const chan = this.channelOf(room);
    if (!chan || this.channels.has(room.id) || !this.world) return;
    this.channels.set(room.id, chan);
    const me = this.world.me.id;
    this.send({ tags: { account: me }, source: this.mySource, command: 'JOIN', params: [chan] });
    if (room.topic) this.numeric('332', chan, room.topic);
    else this.numeric('331', chan, 'No topic is set');
    await this.names(room);
    await this.replayUnread(room);
  }

  /** The client leaves a channel (it parted, od parted it, or the room went out of sight). */
  leaveChannel(roomId: string, reason: string, source?: string): void {
    const chan = this.channels.get(roomId);
    if (!chan) return;
    this.channels.delete(roomId);
    this.members.delete(roomId);
    this.send({ source: source ?? this.mySource, command: 'PART', params: [chan, reason] });
  }

  async names(room: Room): Promise<void> {
    const chan = this.channelOf(room)!;
    let ids: string[] = [];
    try {
      ids = (await this.link!.request('room.members', { roomId: room.id })).userIds;
    } catch {
      // The room went out of sight meanwhile: an empty list, as for a channel nobody is in.
    }
    if (this.channels.has(room.id)) this.members.set(room.id, new Set(ids));
    const words = ids.map((id) => `${this.prefixOf(id)}${this.nickOf(id)}`);
    let cur: string[] = [];
    let len = 0;
    for (const w of words) {
      if (len + w.length + 1 > 400 && cur.length) {
        this.numeric('353', '=', chan, cur.join(' '));
        cur = [];
        len = 0;
      }
      cur.push(w);
      len += w.length + 1;
    }
    if (cur.length) this.numeric('353', '=', chan, cur.join(' '));
    this.numeric('366', chan, 'End of /NAMES list');
  }

  /** ~ owner, & admin, @ a role that moderates messages or members. */
  prefixOf(userId: string): string {
    const u = this.world?.users[userId];
    if (!u) return '';
    if (u.roles.includes('owner')) return '~';
    if (u.roles.includes('admin')) return '&';
    const roles = this.world!.roles;
    if (u.roles.some((r) => roles[r]?.permissions.some((p) => p === 'moderate_messages' || p === 'manage_members'))) return '@';
    return '';
  }

  private async replayUnread(room: Room): Promise<void> {
    const w = this.world!;
    const marker = w.readMarkers[room.id] ?? 0;
    let page;
    try {
      page = await this.link!.request('history', { roomId: room.id, limit: this.o.replayLimit });
    } catch {
      return;
    }
    const unread = page.messages.filter((m) => m.order > marker && m.authorId !== w.me.id);
    if (!unread.length) return;
    const chan = this.channels.get(room.id);
    if (!chan) return;
    const batch = this.has('batch') ? this.newBatch() : undefined;
    if (batch) this.send({ source: this.o.serverName, command: 'BATCH', params: [`+${batch}`, 'chathistory', chan] });
    for (const m of unread) for (const l of messageLines(this, m, chan, batch)) this.send(l);
    if (batch) this.send({ source: this.o.serverName, command: 'BATCH', params: [`-${batch}`] });
  }

  // ---------------------------------------------------------------- keepalive and shutdown

  private armPing(): void {
    this.pingTimer = setInterval(() => {
      if (this.phase === 'closed') return;
      if (this.pingSent && !this.heardSincePing) return this.quit(`Ping timeout: ${Math.round(this.o.pingIntervalMs / 1000)} seconds`);
      if (!this.heardSincePing) {
        this.pingSent = true;
        this.write({ command: 'PING', params: [this.o.serverName] });
      }
      this.heardSincePing = false;
    }, this.o.pingIntervalMs);
    this.pingTimer.unref();
  }

  /** Close with an ERROR line the client can show. */
  quit(reason: string): void {
    if (this.phase === 'closed') return;
    this.collector = null;
    this.write({ command: 'ERROR', params: [`Closing Link: ${this.ip} (${reason})`] });
    this.phase = 'closed';
    this.socket.end();
    // A peer that never reads its ERROR line does not hold the socket open.
    setTimeout(() => this.socket.destroy(), 2000).unref();
    this.gone();
  }

  /** A reader too slow for what it is sent is cut off at once (its buffer is the problem). */
  private drop(reason: string): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.o.log({ level: 'info', msg: 'irc client dropped', reason, ip: this.ip });
    this.socket.destroy();
    this.gone();
  }

  private goneDone = false;
  private gone(): void {
    this.phase = 'closed';
    if (this.goneDone) return;
    this.goneDone = true;
    this.lag.stop();
    if (this.regTimer) clearTimeout(this.regTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.link?.disconnect();
    // The session this connection logged in with ends with it, so the account's session list stays short.
    if (this.tokens) void this.o.logout(this.tokens.refreshToken).catch(() => {});
    this.tokens = null;
    this.onGone();
  }

  /** The server is shutting down. */
  shutdown(reason: string): void {
    this.quit(reason);
  }
}
