/** Ink renders asynchronously after input: poll the frame until `pred` holds, with a deadline instead of a sleep. */
export async function until(frame: () => string | undefined, pred: (f: string) => boolean, ms = 5000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const f = frame() ?? '';
    if (pred(f)) return f;
    if (Date.now() > deadline) throw new Error(`timed out; last frame:\n${f}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
