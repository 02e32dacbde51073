import type { Attachment } from '@open-discord/protocol';
import { displayFileName, LIMITS } from '@open-discord/protocol';
import { progressText, throttled } from '../files/progress.js';
import { existingFile, type FileTransfer } from '../files/transfer.js';
import { currentView } from '../state/messages/selectors.js';
import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';

export interface Files {
  /** /upload PATH [caption]: upload, then send it to the room on screen with the caption. */
  upload(filePath: string, caption: string): void;
  /** /open [N]: the N-th newest attachment of the room on screen (1, the newest, by default). */
  open(n: number): void;
  /** A line that is just the path of an existing file (dropped or pasted): offer to upload it. */
  offer(line: string): boolean;
  /** /avatar PATH: upload a picture and make it the profile avatar; /avatar (or `none`) removes it. */
  avatar(filePath: string): void;
}

/** A dropped file arrives as its path, maybe quoted ('…' or "…") or with backslash-escaped spaces. */
function droppedPath(line: string): string | null {
  const t = line.trim();
  if (t.includes('\n') || !/^(['"]?)(\/|~\/|\.{1,2}\/|[A-Za-z]:\\)/.test(t)) return null;
  const quoted = /^(['"])(.*)\1$/.exec(t)?.[2];
  // Unquoted, a path is one word (spaces escaped): `/upload ~/cat.png` is a command, not a path.
  if (quoted === undefined && /(^|[^\\])\s/.test(t)) return null;
  return existingFile(quoted ?? t.replace(/\\(.)/g, '$1'));
}

/** Uploads and downloads for the chat screen; progress and results go to the notice line of their room. */
export function attachFiles({ client, store }: ControllerContext, transfer: FileTransfer | null, nonce: () => string): Files {
  const { dispatch } = store;
  const say = (kind: 'info' | 'error', text: string, roomId: string | null) => dispatch({ type: 'flash', kind, text, roomId });

  const upload = (filePath: string, caption: string) => {
    const roomId = store.getState().currentRoomId;
    if (!transfer) return say('error', '/upload: this od cannot send files', roomId);
    if (!roomId) return say('error', '/upload: no room to send to', roomId);
    if (caption.length > LIMITS.maxMessageLength) return say('error', `/upload: caption too long (${caption.length}/${LIMITS.maxMessageLength})`, roomId);
    const name = displayFileName(filePath);
    const progress = throttled((done, total) => say('info', progressText('uploading', name, done, total), roomId));
    transfer
      .upload(filePath, progress)
      .then((att) => client.request('message.send', { roomId, text: caption, nonce: nonce(), attachments: [att.id] }))
      .then(
        () => say('info', `sent ${name}`, roomId),
        (e: unknown) => say('error', `/upload ${name}: ${describeError(e)}`, roomId),
      );
  };

  const open = (n: number) => {
    const state = store.getState();
    const roomId = state.currentRoomId;
    if (!transfer) return say('error', '/open: this od cannot fetch files', roomId);
    const all: Attachment[] = (currentView(state)?.messages ?? []).flatMap((m) => m.attachments ?? []);
    if (!Number.isInteger(n) || n < 1) return say('error', '/open N: N counts back from the newest attachment (1, 2, …)', roomId);
    const att = all[all.length - n];
    if (!att) return say('error', n > 1 ? `/open: only ${all.length} attachment${all.length === 1 ? '' : 's'} here` : '/open: no attachment in this room', roomId);
    const name = displayFileName(att.name);
    const progress = throttled((done, total) => say('info', progressText('downloading', name, done, total), roomId));
    transfer.download(att.id, undefined, progress).then(
      (saved) => {
        say('info', `saved ${saved}`, roomId);
        transfer.open(saved);
      },
      (e: unknown) => say('error', `/open ${name}: ${describeError(e)}`, roomId),
    );
  };

  const offer = (line: string) => {
    const file = droppedPath(line);
    if (!file) return false;
    dispatch({ type: 'input/set', text: `/upload "${file.replace(/["\\]/g, '\\$&')}" ` });
    say('info', 'that is a file: Enter uploads it (add a caption first if you like)', store.getState().currentRoomId);
    return true;
  };

  const avatar = (filePath: string) => {
    const roomId = store.getState().currentRoomId;
    if (filePath === '' || filePath.toLowerCase() === 'none') {
      return void client.request('profile.set', { avatarFileId: null }).then(
        () => say('info', 'avatar removed (others see your initials)', roomId),
        (e: unknown) => say('error', `/avatar: ${describeError(e)}`, roomId),
      );
    }
    if (!transfer) return say('error', '/avatar: this od cannot send files', roomId);
    const name = displayFileName(filePath);
    const progress = throttled((done, total) => say('info', progressText('uploading', name, done, total), roomId));
    transfer
      .upload(filePath, progress)
      // The server checks it is an image (by its bytes) and answers with the card everyone now sees.
      .then((att) => client.request('profile.set', { avatarFileId: att.id }))
      .then(
        () => say('info', `avatar set to ${name} (/whois yourself to see it)`, roomId),
        (e: unknown) => say('error', `/avatar ${name}: ${describeError(e)}`, roomId),
      );
  };

  return { upload, open, offer, avatar };
}
