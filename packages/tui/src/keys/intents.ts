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
  | { kind: 'history'; delta: 1 | -1 }
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
  | { kind: 'room-jump' };

/** What has the keyboard: the chat, or one of its overlays. */
export type KeyContext = 'chat' | 'switcher' | 'help' | 'roles' | 'paste' | 'confirm' | 'form' | 'quit-confirm' | 'room-jump' | 'search';
