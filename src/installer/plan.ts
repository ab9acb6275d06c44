/** One file the installer creates or changes. `before` is null for a new file. */
export interface FileChange {
  path: string;
  before: string | null;
  after: string;
  /** Why: one line shown in the summary. */
  why: string;
}

/** Something the installer will not do by itself (a customised file), with the exact text to add. */
export interface ManualStep {
  path: string;
  why: string;
  snippet: string;
}

export interface Plan {
  changes: FileChange[];
  manual: ManualStep[];
  notes: string[];
}

export function emptyPlan(): Plan {
  return { changes: [], manual: [], notes: [] };
}

/** Planners edit with \n line ends; a file that used \r\n gets them back in addChange. */
export function toLf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/** Records a change only when it changes something. */
export function addChange(plan: Plan, change: FileChange): void {
  if (change.before?.includes('\r\n') && !change.after.includes('\r\n')) {
    change = { ...change, after: change.after.replace(/\n/g, '\r\n') };
  }
  if (change.before === change.after) return;
  const existing = plan.changes.find((c) => c.path === change.path);
  if (existing) {
    existing.after = change.after;
    existing.why = `${existing.why}; ${change.why}`;
    return;
  }
  plan.changes.push(change);
}

/** The text a planner should start from: an earlier planned change, else the file on disk. */
export function pendingText(plan: Plan, read: (path: string) => string | null, path: string): string | null {
  const pending = plan.changes.find((c) => c.path === path);
  return pending ? pending.after : read(path);
}
