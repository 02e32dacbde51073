import { describe, expect, it } from 'vitest';
import { nameKey } from '../src/text/name-key.js';
import { post, RawClient, signup, testScope } from './helpers.js';
import { Harness, refused } from './community-support.js';

/*
 * Finding 3: look-alike nicknames (the owner's included) and room, role and category names were accepted;
 * sign-up and nick.set validated differently.
 */
const { cleanups, setup } = testScope();

const LOOK_ALIKES: Array<[string, string]> = [
  ['Owner', 'Owner\u3164'], // Hangul filler (NFKC → U+1160)
  ['Owner', 'Owner\u115F'],
  ['Owner', 'Օwner'], // Armenian
  ['Owner', 'Ꮎwner'], // Cherokee
  ['Owner', 'Owneꭇ'],
  ['Owner', '0wner'],
  ['alice', 'аӏісе'], // all Cyrillic
  ['alice', 'aIice'],
  ['alice', 'ALICE'],
  ['abc', 'ａｂｃ'],
  ['fish', 'ﬁsh'],
  ['Straße', 'STRASSE'],
  ['mods', 'ｍｏｄｓ'],
  ['modern', 'rnodern'],
];

describe('name keys', () => {
  it('confusable names share a key; distinct names do not', () => {
    for (const [a, b] of LOOK_ALIKES) expect(nameKey(b), `${a} / ${JSON.stringify(b)}`).toBe(nameKey(a));
    for (const [a, b] of [['alice', 'bob'], ['owner', 'owned'], ['mods', 'mod'], ['ab', 'ba']] as const) {
      expect(nameKey(a)).not.toBe(nameKey(b));
    }
  });
});

describe('nicknames', () => {
  it('refuses every look-alike of a taken nickname, at sign-up and in nick.set (CONFLICT)', async () => {
    const server = await setup();
    await signup(server.url, 'owner', { nickname: 'Owner' });
    await signup(server.url, 'alice', { nickname: 'alice' });
    const eve = await signup(server.url, 'eve', { nickname: 'eve' });
    const c = await RawClient.connect(server.url, eve.accessToken);
    cleanups.push(() => c.close());
    for (const [taken, fake] of LOOK_ALIKES.filter(([t]) => t === 'Owner' || t === 'alice')) {
      const r = await c.request('nick.set', { nickname: fake });
      expect(r.ok, `nick.set ${JSON.stringify(fake)} next to ${taken}`).toBe(false);
      expect(['CONFLICT', 'BAD_REQUEST']).toContain(r.error.code);
    }
    // Invisible characters are refused outright, not merely suffixed.
    for (const fake of ['Owner\u3164', 'Owner\u115F', 'Ow\u200Bner', '\u3164\u3164']) {
      const r = await c.request('nick.set', { nickname: fake });
      expect(r.error.code).toBe('BAD_REQUEST');
      const s = await post(server.url, '/api/signup', { username: `u${fake.length}x`, password: 'correct horse', nickname: fake });
      expect(s.status).toBe(400);
    }
    // At sign-up a look-alike of a taken nickname is refused, like any taken nickname.
    const signed = await post(server.url, '/api/signup', { username: 'mallory', password: 'correct horse', nickname: 'Օwner' });
    expect(signed.status).toBe(409);
    expect(signed.body.error.message).toBe('that nickname is taken');
  });

  it('sign-up and nick.set accept and refuse the same nicknames', async () => {
    const server = await setup();
    const probe = await signup(server.url, 'probe', { nickname: 'probe' });
    const c = await RawClient.connect(server.url, probe.accessToken);
    cleanups.push(() => c.close());
    const inputs = ['alice\u0301', 'zoë', 'two words', 'a\u202Eb', 'Ab\u0000c', 'ok_name-1.x', 'pаypal', 'x\u0301y'];
    let n = 0;
    for (const nickname of inputs) {
      const viaSignup = await post(server.url, '/api/signup', { username: `same${n++}`, password: 'correct horse', nickname });
      // Give the nickname back so nick.set is judged on validity, not on it being taken.
      const holder = viaSignup.status === 200 ? viaSignup.body.user.nickname : null;
      if (holder) {
        const other = await RawClient.connect(server.url, viaSignup.body.accessToken);
        await other.call('nick.set', { nickname: `tmp${n}` });
        await other.close();
      }
      const viaNick = await c.request('nick.set', { nickname });
      expect(viaNick.ok, `nick.set ${JSON.stringify(nickname)}`).toBe(viaSignup.status === 200);
      if (!viaNick.ok) expect(viaSignup.status).toBe(400);
      if (viaNick.ok) expect(viaNick.result.user.nickname).toBe(holder);
    }
  });
});

describe('room, role and category names', () => {
  const h = new Harness();
  it('look-alike names collide like equal ones', async () => {
    const { clients } = await h.community('owner');
    const owner = clients[0]!;
    try {
      await owner.call('room.create', { name: 'abc' });
      await owner.call('room.create', { name: 'fish' });
      for (const name of ['ａｂｃ', 'ABC', 'ﬁsh', 'fIsh']) expect((await refused(owner, 'room.create', { name })).code).toBe('CONFLICT');
      await owner.call('role.create', { name: 'mods' });
      for (const name of ['ｍｏｄｓ', 'MODS', 'rnods']) expect((await refused(owner, 'role.create', { name })).code).toBe('CONFLICT');
      await owner.call('category.create', { name: 'Straße' });
      for (const name of ['STRASSE', 'strasse']) expect((await refused(owner, 'category.create', { name })).code).toBe('CONFLICT');
      for (const [type, params] of [
        ['room.create', { name: 'ab\u3164' }],
        ['role.create', { name: 'm\u200Bods' }],
        ['category.create', { name: 'a\u202Eb' }],
      ] as const) {
        expect((await refused(owner, type, params)).code).toBe('BAD_REQUEST');
      }
    } finally {
      await h.release();
    }
  });
});

describe('migration 3', () => {
  it('re-keys stored nicknames and role names by look-alike key; later look-alikes get a suffix', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { default: Database } = await import('better-sqlite3');
    const { SqliteStorage } = await import('../src/adapters/sqlite/storage.js');
    const { tempDir, undoMigration4, undoMigration5, undoMigration9 } = await import('./helpers.js');
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    SqliteStorage.open(dir).close();
    const db = new Database(path.join(dir, 'od.sqlite'));
    undoMigration9(db);
    undoMigration5(db);
    undoMigration4(db);
    db.pragma('user_version = 2');
    const add = db.prepare(
      `INSERT INTO users (id, username, nickname, nickname_lc, color, password_hash, created_at) VALUES (?, ?, ?, ?, NULL, 'x', ?)`,
    );
    add.run('u1', 'one', 'Owner', 'owner', 1);
    add.run('u2', 'two', 'Օwner', 'օwner', 2);
    add.run('u3', 'three', 'alice', 'alice', 3);
    add.run('u4', 'four', 'аӏісе', 'аӏісе', 4);
    const role = db.prepare(`INSERT INTO roles (id, name, name_lc, color, position, permissions, builtin) VALUES (?, ?, ?, NULL, ?, '[]', 0)`);
    role.run('r1', 'mods', 'mods', 500);
    role.run('r2', 'ｍｏｄｓ', 'ｍｏｄｓ', 400);
    role.run('r3', 'Οwner', 'οwner', 300); // Greek omicron: a look-alike of the built-in owner role
    db.close();

    const store = SqliteStorage.open(dir);
    try {
      expect(store.users.byId('u1')!.nickname).toBe('Owner');
      expect(store.users.byId('u2')!.nickname).toBe('Օwner2');
      expect(store.users.byId('u4')!.nickname).toBe('аӏісе2');
      expect(store.users.idByNickname('OWNER')).toBe('u1');
      expect(store.users.idByNickname('aIice')).toBe('u3');
      expect(store.roles.get('r2')!.name).toBe('ｍｏｄｓ2');
      expect(store.roles.get('r3')!.name).toBe('Οwner2');
      expect(store.roles.byName('owner')!.id).toBe('owner');
      expect(store.roles.byName('MODS')!.id).toBe('r1');
    } finally {
      store.close();
    }
  });
});
