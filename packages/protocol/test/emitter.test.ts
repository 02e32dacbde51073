import { describe, expect, it } from 'vitest';
import { TypedEmitter } from '@open-discord/protocol';

type Events = { ping: (n: number) => void; pong: (s: string, b: boolean) => void };
class E extends TypedEmitter<Events> {
  fire<K extends keyof Events>(k: K, ...a: Parameters<Events[K]>) {
    this.emit(k, ...a);
  }
}

describe('TypedEmitter', () => {
  it('on / off / once', () => {
    const e = new E();
    const got: number[] = [];
    const l = (n: number) => got.push(n);
    e.on('ping', l).once('ping', (n) => got.push(n * 10));
    e.fire('ping', 1);
    e.fire('ping', 2);
    e.off('ping', l);
    e.fire('ping', 3);
    expect(got).toEqual([1, 10, 2]);
    expect(e.listenerCount('ping')).toBe(0);
  });

  it('off() removes a once listener by its original function', () => {
    const e = new E();
    const got: string[] = [];
    const l = (s: string) => got.push(s);
    e.once('pong', l);
    e.off('pong', l);
    e.fire('pong', 'x', true);
    expect(got).toEqual([]);
  });

  it('a throwing listener does not stop the others', () => {
    const errors: unknown[] = [];
    const e = new E((err) => errors.push(err));
    const got: number[] = [];
    e.on('ping', () => {
      throw new Error('boom');
    });
    e.on('ping', (n) => got.push(n));
    e.fire('ping', 7);
    expect(got).toEqual([7]);
    expect(errors).toHaveLength(1);
  });
});
