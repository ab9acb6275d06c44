import type { ServerObserver } from '../observers.js';
import type { Logger } from './logger.js';

export interface RejectionLogOptions {
  /** Lines per reason per second before the rest are summarized; default 20. */
  linesPerSecond?: number;
  now?: () => number;
}

interface Window {
  startedAt: number;
  lines: number;
  suppressed: number;
}

// Problems the operator must fix on the Laravel side; the rest are clients being refused.
const WARN_REASONS = new Set(['auth_unavailable', 'auth_bad_reply']);

/**
 * Logs every `rejected` once, with code, reason, app id and client IP, and never anything else:
 * the detail strings are written without secrets, cookies or tokens. Under an attack a log line
 * per refused handshake would turn the guard into a disk filler, so past `linesPerSecond` lines
 * per reason the rest are counted and summed up in one line (the metrics still count each).
 */
export function createRejectionLog(logger: Logger, options: RejectionLogOptions = {}): ServerObserver {
  const limit = options.linesPerSecond ?? 20;
  const now = options.now ?? Date.now;
  const windows = new Map<string, Window & { code: number }>();

  const summarize = (reason: string, window: Window & { code: number }) => {
    if (window.suppressed === 0) return;
    logger.warn({ code: window.code, reason, suppressed: window.suppressed }, `${window.suppressed} more ${reason} rejections were not logged (over ${limit}/s)`);
    window.suppressed = 0;
  };

  return {
    rejected({ entry, detail, appId, ip, channel, route }) {
      const at = now();
      let window = windows.get(entry.id);
      if (!window || at - window.startedAt >= 1000) {
        if (window) summarize(entry.id, window);
        window = { startedAt: at, lines: 0, suppressed: 0, code: entry.code };
        windows.set(entry.id, window);
      }
      if (window.lines >= limit) {
        window.suppressed++;
        return;
      }
      window.lines++;
      const fields = { code: entry.code, reason: entry.id, appId, ip, ...(channel === undefined ? {} : { channel }), ...(route === undefined ? {} : { route }) };
      if (WARN_REASONS.has(entry.id)) logger.warn(fields, detail);
      else logger.info(fields, detail);
    },
    async close() {
      for (const [reason, window] of windows) summarize(reason, window);
    },
  };
}
