import { Box, Text } from 'ink';
import { isCommunityRoom, isJoined, isQuiet } from '@open-discord/protocol';
import { layoutOf } from '../state/layout.js';
import { paneHint } from '../state/notices/hint.js';
import { shownNotice } from '../state/notices/notices.js';
import type { AppState } from '../state/app-state.js';
import { roomView, visiblePane } from '../state/messages/selectors.js';
import { switcherResults } from '../state/overlay/overlay.js';
import { pasteParts } from '../state/overlay/paste-parts.js';
import { overlayRows } from '../state/overlay/scroll.js';
import { roomGroups, roomLabel } from '../state/rooms/selectors.js';
import { typingNames, typingText } from '../state/typing/typing.js';
import { AccountOverlay } from './AccountOverlay.js';
import { ConfirmOverlay } from './ConfirmOverlay.js';
import { HelpOverlay } from './HelpOverlay.js';
import { InputLine } from './InputLine.js';
import { MessagePane } from './MessagePane.js';
import { PasteConfirm } from './PasteConfirm.js';
import { Prompt } from './Prompt.js';
import { RoomList } from './RoomList.js';
import { RoomSwitcher } from './RoomSwitcher.js';
import { SearchOverlay } from './SearchOverlay.js';
import { searchRows } from '../state/search/selectors.js';
import { StatusLine } from './StatusLine.js';
import { InboxOverlay } from './InboxOverlay.js';
import { inboxRows } from '../state/inbox/inbox.js';
import { ThreadPane } from './ThreadPane.js';
import { MembersPane } from './MembersPane.js';
import { membersPaneView } from '../state/members/selectors.js';
import { BoardPane } from './BoardPane.js';
import { PostsOverlay } from './PostsOverlay.js';
import { FinderOverlay } from './FinderOverlay.js';
import { boardPostRows, boardTitle, currentBoard, postRow, profileCard } from '../state/forum/selectors.js';
import { roomThreadCounts, threadPaneLines } from '../state/threads/selectors.js';
import { voiceLine, voiceRows } from '../state/voice/selectors.js';

/** The whole chat screen, exactly the terminal's size, drawn from state alone. */
export function ChatScreen({ state, now }: { state: AppState; now: number }) {
  const typing = typingText(typingNames(state, now));
  const l = layoutOf(state);
  const flash = shownNotice(state);
  const room = state.currentRoomId ? state.world?.rooms[state.currentRoomId] : undefined;
  const label = room ? roomLabel(state, room.id) : null;
  const mainHeight = l.paneHeight + l.flashHeight;
  const overlay = state.overlay;
  let centre;
  if (overlay?.kind === 'help') {
    centre = <HelpOverlay title={overlay.title ?? 'od help'} rows={overlayRows(state)} scroll={overlay.scroll} width={l.paneWidth} height={l.paneHeight} />;
  } else if (overlay?.kind === 'roles') {
    // Drawn from the live state, so a grant or a permission change shows while it is open.
    centre = <HelpOverlay title="roles, highest first" rows={overlayRows(state)} scroll={overlay.scroll} width={l.paneWidth} height={l.paneHeight} />;
  } else if (overlay?.kind === 'confirm') {
    centre = <ConfirmOverlay question={overlay.question} width={l.paneWidth} height={l.paneHeight} />;
  } else if (overlay?.kind === 'switcher') {
    centre = (
      <RoomSwitcher
        query={overlay.query}
        results={switcherResults(state)}
        selected={overlay.selected}
        label={(r) => roomLabel(state, r.id)}
        unread={(id) => roomView(state, id)?.unread ?? 0}
        joined={(id) => !state.world || !isCommunityRoom(state.world.rooms[id]?.kind) || isJoined(state.world, id)}
        width={l.paneWidth}
        height={l.paneHeight}
      />
    );
  } else if (overlay?.kind === 'paste') {
    centre = <PasteConfirm text={overlay.text} parts={pasteParts(overlay.text).length} width={l.paneWidth} height={l.paneHeight} />;
  } else if (overlay?.kind === 'quit-confirm') {
    const what = overlay.drafts === 1 ? 'an unsent draft' : `${overlay.drafts} unsent drafts`;
    centre = <Prompt text={`Quit and lose ${what}? y quits (or Ctrl+C again) · n or Esc goes back`} width={l.paneWidth} height={l.paneHeight} />;
  } else if (overlay?.kind === 'search') {
    const s = state.search;
    centre = <SearchOverlay label={s.label} status={s.status} rows={searchRows(state)} selected={s.selected} more={s.next !== null} width={l.paneWidth} height={l.paneHeight} />;
  } else if (overlay?.kind === 'account' && state.account) {
    centre = <AccountOverlay account={state.account} width={l.paneWidth} height={l.paneHeight} />;
  } else if (overlay?.kind === 'inbox') {
    centre = <InboxOverlay status={state.inbox.status} rows={inboxRows(state)} unread={state.inbox.unread} selected={state.inbox.selected} width={l.paneWidth} height={l.paneHeight} />;
  } else if (overlay?.kind === 'posts' && state.forum.list) {
    const list = state.forum.list;
    centre = (
      <PostsOverlay
        title={list.title}
        status={list.status}
        card={list.profile ? profileCard(state, list.profile, list.avatar, l.paneWidth, l.paneHeight) : null}
        rows={list.posts.map((p) => postRow(state, p, now, true))}
        selected={list.selected}
        width={l.paneWidth}
        height={l.paneHeight}
      />
    );
  } else if (overlay?.kind === 'finder' && state.forum.finder) {
    const f = state.forum.finder;
    centre = <FinderOverlay title={f.title} status={f.status} entries={f.entries} selected={f.selected} width={l.paneWidth} height={l.paneHeight} />;
  } else if (overlay?.kind === 'room-jump') {
    centre = <Prompt text={`Go to room number: ${overlay.digits}_  (two digits, or one and Enter · Esc cancels)`} width={l.paneWidth} height={l.paneHeight} />;
  } else if (state.members && l.membersOverlay) {
    // Too narrow to sit beside the messages: the member list covers them until Alt+M or Esc.
    const m = membersPaneView(state, l.paneWidth, l.paneHeight, true);
    centre = m ? <MembersPane title={m.title} lines={m.lines} width={l.paneWidth} height={l.paneHeight} overlay /> : null;
  } else if (state.thread && l.threadOverlay) {
    // Too narrow to sit beside the messages: the thread covers them until Esc.
    const t = threadPaneLines(state, l.paneWidth, Math.max(1, l.paneHeight - 2), now);
    centre = <ThreadPane title={t.title} lines={t.lines} alsoInRoom={state.thread.alsoInRoom} scrolled={t.scroll > 0} width={l.paneWidth} height={l.paneHeight} />;
  } else if (currentBoard(state) && !(state.thread && l.threadOverlay)) {
    // A board shows its posts; a post's comments open in the thread pane beside it.
    const { roomId, board } = currentBoard(state)!;
    centre = (
      <BoardPane
        title={boardTitle(state, roomId, board)}
        status={board?.status ?? null}
        rows={board ? boardPostRows(state, board, now) : []}
        selected={board?.selected ?? 0}
        width={l.paneWidth}
        height={l.paneHeight}
      />
    );
  } else {
    const pane = visiblePane(state, now);
    centre = (
      <MessagePane hint={paneHint(state)} lines={pane.lines} width={l.paneWidth} height={l.paneHeight} newBelow={pane.newBelow} scrolled={pane.scroll > 0} />
    );
  }
  return (
    <Box flexDirection="column" width={l.cols} height={l.rows}>
      <Box flexDirection="row" height={mainHeight}>
        <RoomList
          groups={roomGroups(state)}
          counts={(id) => roomView(state, id)}
          threads={(id) => roomThreadCounts(state, id)}
          currentRoomId={state.currentRoomId}
          label={(id) => roomLabel(state, id)}
          quiet={(id) => state.world !== null && isQuiet(state.world, id)}
          voice={(id) => (state.world?.rooms[id]?.kind === 'voice' ? voiceRows(state, id) : null)}
          width={l.sidebarWidth}
          height={mainHeight}
        />
        <Box width={1} height={mainHeight} flexDirection="column">
          <Text dimColor>{Array.from({ length: mainHeight }, () => '│').join('\n')}</Text>
        </Box>
        <Box flexDirection="column" width={l.paneWidth} height={mainHeight}>
          {centre}
          {flash ? (
            <Text wrap="truncate" color={flash.kind === 'error' ? 'red' : 'green'}>
              {flash.kind === 'error' ? '! ' : '· '}
              {flash.text}
            </Text>
          ) : null}
        </Box>
        {state.thread && l.threadWidth > 0 ? <ThreadSide state={state} now={now} width={l.threadWidth} height={mainHeight} paneHeight={l.paneHeight} /> : null}
        {state.members && l.membersWidth > 0 ? <MembersSide state={state} width={l.membersWidth} height={mainHeight} /> : null}
      </Box>
      <InputLine
        input={state.input}
        prompt={state.forum.composer ? `[post "${state.forum.composer.title}" — body] ` : state.thread ? `[thread in #${roomLabel(state, state.thread.roomId)}] ` : label ? `[#${label}] ` : '[no room] '}
        width={l.cols}
        height={l.inputHeight}
        focused={state.overlay === null}
      />
      <StatusLine
        status={state.status}
        now={now}
        room={label}
        topic={room && state.world && isCommunityRoom(room.kind) && !isJoined(state.world, room.id) ? `not joined: /join #${room.name} to talk here` : (room?.topic ?? '')}
        nick={state.world?.me.nickname ?? null}
        width={l.cols}
        typing={typing}
        lag={state.lag?.ms ?? null}
        inbox={state.inbox.unread}
        voice={voiceLine(state)}
      />
    </Box>
  );
}

/** The thread pane beside the messages, behind a rule like the room list's. */
function ThreadSide({ state, now, width, height, paneHeight }: { state: AppState; now: number; width: number; height: number; paneHeight: number }) {
  const t = threadPaneLines(state, width, Math.max(1, paneHeight - 2), now);
  return (
    <>
      <Box width={1} height={height} flexDirection="column">
        <Text dimColor>{Array.from({ length: height }, () => '│').join('\n')}</Text>
      </Box>
      <ThreadPane title={t.title} lines={t.lines} alsoInRoom={state.thread?.alsoInRoom ?? false} scrolled={t.scroll > 0} width={width} height={paneHeight} />
    </>
  );
}

/** The member list at the right edge, behind a rule like the room list's. */
function MembersSide({ state, width, height }: { state: AppState; width: number; height: number }) {
  const m = membersPaneView(state, width, height, false);
  if (!m) return null;
  return (
    <>
      <Box width={1} height={height} flexDirection="column">
        <Text dimColor>{Array.from({ length: height }, () => '│').join('\n')}</Text>
      </Box>
      <MembersPane title={m.title} lines={m.lines} width={width} height={height} overlay={false} />
    </>
  );
}
