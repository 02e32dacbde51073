import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveInput } from '../src/keys/keymap.js';
import type { Key } from 'ink';
import { Row } from '../src/ui/Row.js';
import { messageLines, urlRanges } from '../src/wrap/message-lines.js';
import { msg } from './fixtures.js';

afterEach(() => cleanup());

const URL = 'https://example.org/a/very/long/path/that/cannot/fit/on/one/row/of/the/pane?with=query&and=more';

describe('links (issue 8, item 19)', () => {
  it('marks URLs as links and does not indent the rows that continue one', () => {
    const lines = messageLines({ ...msg(1, { text: `see ${URL} now` }), status: 'confirmed' }, 40, { nick: 'alice', color: 'green' }, false);
    const links = lines.flatMap((l) => l.segments.filter((s) => s.link));
    expect(links.length).toBeGreaterThan(1);
    expect(new Set(links.map((s) => s.link))).toEqual(new Set([URL]));
    expect(links.map((s) => s.text).join('')).toBe(URL);
    // Every row after the first that starts inside the URL begins with the URL itself, not with spaces.
    for (const line of lines.slice(1)) {
      const first = line.segments[0]!;
      if (first.link) expect(first.text.startsWith(' ')).toBe(false);
    }
    expect(lines.slice(1).some((l) => l.segments[0]!.link)).toBe(true);
  });

  it('leaves trailing punctuation out of a URL', () => {
    expect(urlRanges('go to https://od.example/x. Then (https://od.example/y)').map((u) => u.url)).toEqual(['https://od.example/x', 'https://od.example/y']);
  });

  it('draws links as OSC 8 hyperlinks', () => {
    const { lastFrame } = render(<Row line={{ key: 'k', segments: [{ text: 'x ' }, { text: 'https://od.example/', link: 'https://od.example/' }] }} />);
    expect(lastFrame()).toContain('\x1b]8;;https://od.example/\x1b\\');
    expect(lastFrame()).toContain('https://od.example/');
  });
});

describe('mouse wheel (issue 8, item 19)', () => {
  const none = {} as Key;
  it('scrolls three lines a notch; clicks and other contexts do nothing', () => {
    expect(resolveInput('[<64;10;5M', none, 'chat')).toEqual([{ kind: 'scroll-lines', lines: 3 }]);
    expect(resolveInput('\x1b[<65;10;5M\x1b[<65;10;5M', none, 'chat')).toEqual([
      { kind: 'scroll-lines', lines: -3 },
      { kind: 'scroll-lines', lines: -3 },
    ]);
    expect(resolveInput('[<0;10;5M', none, 'chat')).toEqual([]);
    expect(resolveInput('[<64;10;5M', none, 'form')).toEqual([]);
  });
});
