import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { reducer } from '../src/state/reducer.js';
import { switcherResults } from '../src/state/overlay/overlay.js';
import { orderedRooms } from '../src/state/rooms/selectors.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { boot } from './fixtures.js';

afterEach(() => cleanup());

/* Ctrl+K finds the rooms one is in first, and also the visible rooms one is not in (to preview or join). */
describe('the room switcher with room membership', () => {
  const inGeneralOnly = () => reducer(boot({ joined: ['r-gen'] }), { type: 'overlay/switcher' });

  it('lists the joined rooms first, then the visible rooms one is not in; the room list shows joined ones only', () => {
    const s = inGeneralOnly();
    expect(orderedRooms(s).map((r) => r.id)).toEqual(['r-gen']);
    expect(switcherResults(s).map((r) => r.id)).toEqual(['r-gen', 'r-dev', 'r-ops']);
    const q = reducer(s, { type: 'overlay/switcher-query', query: 'ops' });
    expect(switcherResults(q).map((r) => r.id)).toEqual(['r-ops']);
  });

  it('marks the rooms one is not in', () => {
    const frame = render(<ChatScreen state={inGeneralOnly()} now={0} />).lastFrame()!;
    expect(frame).toContain('#dev  (not joined)');
    expect(frame).not.toContain('#general  (not joined)');
  });
});
