/**
 * How od draws pictures: the kitty graphics protocol, sixel, iTerm2's inline images, half blocks (any
 * truecolor terminal), or not at all (the `[image cat.png 120 KB]` label alone).
 */
export const IMAGE_MODES = ['kitty', 'sixel', 'iterm', 'blocks', 'off'] as const;
export type ImageMode = (typeof IMAGE_MODES)[number];

/** The modes that put pixels on the screen (the server's thumbnail), rather than text. */
export const isPixelMode = (m: ImageMode): m is 'kitty' | 'sixel' | 'iterm' => m === 'kitty' || m === 'sixel' || m === 'iterm';

export function parseImageMode(text: string | undefined): ImageMode | null {
  const t = text?.trim().toLowerCase();
  if (t === 'iterm2') return 'iterm';
  if (t === 'halfblocks' || t === 'half-blocks') return 'blocks';
  return (IMAGE_MODES as readonly string[]).includes(t ?? '') ? (t as ImageMode) : null;
}

type Env = Record<string, string | undefined>;

const truecolor = (env: Env) => env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit';

/**
 * The best mode this terminal is known to draw, from its environment alone: od never asks the terminal and
 * waits for an answer, because the answer would arrive on stdin, which Ink reads as keys.
 * Inside tmux or screen graphics do not pass through unless configured, so only text modes are picked there.
 */
export function detectImageMode(env: Env): ImageMode {
  const term = env.TERM ?? '';
  const program = env.TERM_PROGRAM ?? '';
  const blocksOrOff: ImageMode = truecolor(env) ? 'blocks' : 'off';
  if (env.TMUX || /^(screen|tmux)/.test(term)) return blocksOrOff;
  if (env.KITTY_WINDOW_ID || term === 'xterm-kitty' || term === 'xterm-ghostty' || program === 'ghostty') return 'kitty';
  if (program === 'iTerm.app' || program === 'WezTerm' || env.WEZTERM_EXECUTABLE || program === 'mintty') return 'iterm';
  if (/^(foot|mlterm|contour)/.test(term) || env.KONSOLE_VERSION) return 'sixel';
  return blocksOrOff;
}

/**
 * The mode od uses: the `--images` flag, else OD_IMAGES, else the config file's `images`, else what the
 * terminal is known for. OD_PREVIEWS=0/1 (older setting: half blocks off/on) still counts below OD_IMAGES.
 */
export function chooseImageMode(flag: string | undefined, config: ImageMode | undefined, env: Env): ImageMode {
  const fromFlag = parseImageMode(flag);
  if (fromFlag) return fromFlag;
  const fromEnv = parseImageMode(env.OD_IMAGES);
  if (fromEnv) return fromEnv;
  if (env.OD_PREVIEWS === '0') return 'off';
  if (env.OD_PREVIEWS === '1') return 'blocks';
  return config ?? detectImageMode(env);
}
