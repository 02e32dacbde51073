import { Box, Text } from 'ink';
import { layoutOf } from '../state/layout.js';
import type { AppState } from '../state/app-state.js';
import { roomView, visiblePane } from '../state/messages/selectors.js';
import { switcherResults } from '../state/overlay/overlay.js';
import { roleRows } from '../state/roles/roles.js';
import { roomGroups, roomLabel } from '../state/rooms/selectors.js';
import { typingNames, typingText } from '../state/typing/typing.js';
import { HelpOverlay } from './HelpOverlay.js';
import { InputLine } from './InputLine.js';
import { MessagePane } from './MessagePane.js';
import { PasteConfirm } from './PasteConfirm.js';
import { Prompt } from './Prompt.js';
import { RolesOverlay } from './RolesOverlay.js';
import { RoomList } from './RoomList.js';
import { RoomSwitcher } from './RoomSwitcher.js';
import { StatusLine } from './StatusLine.js';

/** The whole chat screen, exactly the terminal's size, drawn from state alone. */
export function ChatScreen({ state, now }: { state: AppState; now: number }) {
  const typing = typingText(typingNames(state, now));
  const l = layoutOf(state);
  const room = state.currentRoomId ? state.world?.rooms[state.currentRoomId] : undefined;
  const label = room ? roomLabel(state, room.id) : null;
  const mainHeight = l.paneHeight + l.flashHeight;
  const overlay = state.overlay;
  let centre;
  if (overlay?.kind === 'help') {
    centre = <HelpOverlay title="od" lines={overlay.lines} width={l.paneWidth} height={l.paneHeight} />;
  } else if (overlay?.kind === 'roles') {
    centre = <RolesOverlay rows={roleRows(state.world)} width={l.paneWidth} height={l.paneHeight} />;
  } else if (overlay?.kind === 'switcher') {
    centre = (
      <RoomSwitcher
        query={overlay.query}
        results={switcherResults(state)}
        selected={overlay.selected}
        label={(r) => roomLabel(state, r.id)}
        unread={(id) => roomView(state, id)?.unread ?? 0}
        width={l.paneWidth}
        height={l.paneHeight}
      />
    );
  } else if (overlay?.kind === 'paste') {
    centre = <PasteConfirm text={overlay.text} width={l.paneWidth} height={l.paneHeight} />;
  } else if (overlay?.kind === 'quit-confirm') {
    const what = overlay.drafts === 1 ? 'an unsent draft' : `${overlay.drafts} unsent drafts`;
    centre = <Prompt text={`Quit and lose ${what}? y quits (or Ctrl+C again) · n or Esc goes back`} width={l.paneWidth} height={l.paneHeight} />;
  } else if (overlay?.kind === 'room-jump') {
    centre = <Prompt text={`Go to room number: ${overlay.digits}_  (two digits, or one and Enter · Esc cancels)`} width={l.paneWidth} height={l.paneHeight} />;
  } else {
    const pane = visiblePane(state);
    centre = (
      <MessagePane lines={pane.lines} width={l.paneWidth} height={l.paneHeight} newBelow={pane.newBelow} scrolled={pane.scroll > 0} />
    );
  }
  return (
    <Box flexDirection="column" width={l.cols} height={l.rows}>
      <Box flexDirection="row" height={mainHeight}>
        <RoomList
          groups={roomGroups(state)}
          counts={(id) => roomView(state, id)}
          currentRoomId={state.currentRoomId}
          label={(id) => roomLabel(state, id)}
          width={l.sidebarWidth}
          height={mainHeight}
        />
        <Box width={1} height={mainHeight} flexDirection="column">
          <Text dimColor>{Array.from({ length: mainHeight }, () => '│').join('\n')}</Text>
        </Box>
        <Box flexDirection="column" width={l.paneWidth} height={mainHeight}>
          {centre}
          {state.flash ? (
            <Text wrap="truncate" color={state.flash.kind === 'error' ? 'red' : 'green'}>
              {state.flash.kind === 'error' ? '! ' : '· '}
              {state.flash.text}
            </Text>
          ) : null}
        </Box>
      </Box>
      <InputLine
        input={state.input}
        prompt={label ? `[#${label}] ` : '[no room] '}
        width={l.cols}
        height={l.inputHeight}
        focused={state.overlay === null}
      />
      <StatusLine
        status={state.status}
        now={now}
        room={label}
        topic={room?.topic ?? ''}
        nick={state.world?.me.nickname ?? null}
        width={l.cols}
        typing={typing}
        lag={state.lag?.ms ?? null}
      />
    </Box>
  );
}
