export interface InputState {
  text: string;
  cursor: number;
  /** Active Tab completion: repeated Tab cycles through `candidates`. */
  completion: { start: number; end: number; candidates: string[]; index: number } | null;
  /** Position while walking the room's history with Up/Down (null = editing a fresh line). */
  historyIndex: number | null;
}

export const emptyInput = (): InputState => ({ text: '', cursor: 0, completion: null, historyIndex: null });
