/** What the CLI writes, captured for each test: `io.out` (stdout) and `io.err` (stderr). */
import { afterEach, beforeEach, vi } from 'vitest';

export function captureOutput(): { readonly out: string; readonly err: string } {
  const io = { out: '', err: '' };
  beforeEach(() => {
    io.out = '';
    io.err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((io.out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((io.err += String(s)), true));
  });
  afterEach(() => vi.restoreAllMocks());
  return io;
}
