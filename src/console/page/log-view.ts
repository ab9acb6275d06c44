import { byId, cell, el } from './dom.js';
import type { ConsoleEntry as Entry } from './console-entry-wire.js';

export type { Entry };

/** Rows kept in the page; older ones are removed as new ones come. */
const MAX_ROWS = 1000;
/** Entries held while paused; past it the oldest are dropped (and counted). */
const MAX_PAUSED = 5000;

interface Filters {
  app: string;
  channel: string;
  socket: string;
  kind: string;
  code: string;
}

/** The live log table: filters, pause, and a bounded number of rows. */
export class LogView {
  readonly #body = byId<HTMLTableElement>('log').tBodies[0]!;
  readonly #note = byId('log-note');
  readonly #pause = byId<HTMLButtonElement>('pause');
  readonly #entries: Entry[] = [];
  readonly #held: Entry[] = [];
  #heldDropped = 0;
  #paused = false;
  #filters: Filters = { app: '', channel: '', socket: '', kind: '', code: '' };

  constructor() {
    const inputs: Array<[keyof Filters, string]> = [['app', 'filter-app'], ['channel', 'filter-channel'], ['socket', 'filter-socket'], ['kind', 'filter-kind'], ['code', 'filter-code']];
    for (const [key, id] of inputs) {
      byId<HTMLInputElement>(id).addEventListener('input', (event) => {
        this.#filters[key] = (event.target as HTMLInputElement).value.trim();
        this.#render();
      });
    }
    this.#pause.addEventListener('click', () => this.setPaused(!this.#paused));
    byId('clear').addEventListener('click', () => {
      this.#entries.length = 0;
      this.#render();
    });
  }

  setKinds(kinds: readonly string[]): void {
    const select = byId<HTMLSelectElement>('filter-kind');
    for (const kind of kinds) {
      if ([...select.options].some((o) => o.value === kind)) continue;
      const option = el('option', undefined, kind);
      option.value = kind;
      select.append(option);
    }
  }

  /** Sets one filter (a click on a channel) as if typed. */
  filterBy(key: keyof Filters, value: string): void {
    const ids: Record<keyof Filters, string> = { app: 'filter-app', channel: 'filter-channel', socket: 'filter-socket', kind: 'filter-kind', code: 'filter-code' };
    byId<HTMLInputElement>(ids[key]).value = value;
    this.#filters[key] = value;
    this.#render();
  }

  setPaused(paused: boolean): void {
    this.#paused = paused;
    this.#pause.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) {
      this.add(this.#held.splice(0));
      this.#heldDropped = 0;
    }
    this.#updateNote();
  }

  add(entries: Entry[]): void {
    if (this.#paused) {
      this.#held.push(...entries);
      if (this.#held.length > MAX_PAUSED) this.#heldDropped += this.#held.splice(0, this.#held.length - MAX_PAUSED).length;
      this.#updateNote();
      return;
    }
    for (const entry of entries) {
      this.#entries.push(entry);
      if (this.#matches(entry)) this.#body.prepend(this.#row(entry));
    }
    if (this.#entries.length > MAX_ROWS) this.#entries.splice(0, this.#entries.length - MAX_ROWS);
    while (this.#body.rows.length > MAX_ROWS) this.#body.deleteRow(-1);
    this.#updateNote();
  }

  #matches(entry: Entry): boolean {
    const f = this.#filters;
    if (f.app && entry.app !== f.app) return false;
    if (f.channel && !(entry.channel ?? '').split(',').includes(f.channel)) return false;
    if (f.socket && entry.socketId !== f.socket) return false;
    if (f.kind && entry.kind !== f.kind) return false;
    if (f.code && String(entry.code ?? '') !== f.code) return false;
    return true;
  }

  #render(): void {
    this.#body.replaceChildren(...this.#entries.filter((e) => this.#matches(e)).reverse().map((e) => this.#row(e)));
    this.#updateNote();
  }

  #updateNote(): void {
    const shown = this.#body.rows.length;
    let note = `${shown} shown`;
    if (this.#paused) note += ` · paused, ${this.#held.length} new${this.#heldDropped > 0 ? ` (${this.#heldDropped} dropped)` : ''}`;
    this.#note.textContent = note;
  }

  #row(entry: Entry): HTMLTableRowElement {
    const row = el('tr', entry.kind);
    row.dataset.kind = entry.kind;
    if (entry.code !== undefined) row.dataset.code = String(entry.code);
    if (entry.channel) row.dataset.channel = entry.channel;
    cell(row, new Date(entry.time).toLocaleTimeString(undefined, { hour12: false }) + `.${String(entry.time % 1000).padStart(3, '0')}`);
    cell(row, entry.node);
    cell(row, '').append(el('span', 'kind', entry.kind));
    cell(row, entry.app ?? '');
    cell(row, entry.socketId ?? '', 'socket');
    cell(row, entry.ip ?? '');
    cell(row, entry.channel ?? '');
    const what = cell(row, '', 'what');
    if (entry.code !== undefined && entry.kind === 'rejection') what.append(el('span', 'code', `${entry.code} `));
    what.append(document.createTextNode(entry.text));
    if (entry.fix) what.append(el('div', 'fix', `Fix: ${entry.fix}`));
    cell(row, entry.data ?? '', 'data');
    return row;
  }
}
