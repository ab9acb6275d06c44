import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Read access to the Laravel project, by paths relative to its root (always with `/`). */
export interface ProjectFiles {
  readonly root: string;
  /** The file's text, or null when it does not exist (or is not a regular file). */
  read(path: string): string | null;
  exists(path: string): boolean;
}

export function projectFiles(root: string): ProjectFiles {
  return {
    root,
    read(path) {
      const full = join(root, path);
      if (!existsSync(full) || !statSync(full).isFile()) return null;
      return readFileSync(full, 'utf8');
    },
    exists(path) {
      return existsSync(join(root, path));
    },
  };
}

/** Parses JSON from a project file; a broken file is reported, never thrown. */
export function readJsonFile(
  files: ProjectFiles,
  path: string,
): { ok: true; value: unknown } | { ok: false; error: string } | null {
  const text = files.read(path);
  if (text === null) return null;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: `${path} is not valid JSON (${(err as Error).message})` };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
