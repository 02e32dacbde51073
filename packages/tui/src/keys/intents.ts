/** What a key means, independent of which key it was. Components act on intents, never on raw keys. */
export type Intent =
  | { kind: 'quit' }
  | { kind: 'submit' }
  | { kind: 'insert'; text: string }
  /** Several lines arrived at once (a paste): the chat screen asks before sending. */
  | { kind: 'paste'; text: string }
  | { kind: 'newline' }
  | { kind: 'backspace' }
  | { kind: 'delete' }
  | { kind: 'move'; to: 'left' | 'right' | 'home' | 'end' | 'word-left' | 'word-right' }
  | { kind: 'kill'; what: 'line' | 'to-end' | 'word' }
  /** `recall`: the input history even on an empty line (Up there selects a message instead). */
  | { kind: 'history'; delta: 1 | -1; recall?: boolean }
  | { kind: 'complete' }
  | { kind: 'room-index'; index: number }
  | { kind: 'room-step'; delta: 1 | -1 }
  | { kind: 'next-activity' }
  | { kind: 'switcher' }
  | { kind: 'close' }
  | { kind: 'scroll'; pages: number }
  | { kind: 'scroll-lines'; lines: number }
  | { kind: 'bottom' }
  | { kind: 'ruler' }
  | { kind: 'retry' }
  | { kind: 'reconnect' }
  | { kind: 'room-jump' }
  | { kind: 'members' }
  /** Scroll the member list (Alt+M) by pages (positive: up, as PgUp); the messages when none is open. */
  | { kind: 'members-scroll'; pages: number }
  /** Open the notification inbox (as /inbox). */
  | { kind: 'inbox' }
  /** Push-to-talk on or off (voice). */
  | { kind: 'ptt' }
  /** Selection mode (state/selection): enter it, and act on the selected message. */
  | { kind: 'select' }
  | { kind: 'select-move'; delta: 1 | -1 }
  | { kind: 'select-edit' }
  | { kind: 'select-delete' }
  | { kind: 'select-react' }
  | { kind: 'select-copy' }
  /** The profile card of the selected message's author (`p`). */
  | { kind: 'select-profile' }
  /** Open the selected message's thread (`r`, or Enter in selection mode). */
  | { kind: 'select-thread' }
  | { kind: 'open-attachment' }
  /** Toggle "also send to room" in the open thread. */
  | { kind: 'thread-also' };

/** What has the keyboard: the chat, or one of its overlays. */
export type KeyContext = 'chat' | 'select' | 'switcher' | 'help' | 'roles' | 'paste' | 'confirm' | 'form' | 'quit-confirm' | 'room-jump' | 'search' | 'account' | 'posts' | 'inbox' | 'finder';
