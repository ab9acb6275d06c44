import { drawChart } from './chart.js';
import { byId, cell, el, formatRate } from './dom.js';
import type { NowSample } from './now-sample.js';

export type { NowSample };

/** Points on the chart: one a second, two minutes. */
const CAPACITY = 120;

/** The "Now" panel: counters, the chart, and the channel list (a click filters the log). */
export class NowView {
  readonly #in: number[] = [];
  readonly #out: number[] = [];
  readonly #rejections: number[] = [];
  readonly #onChannel: (name: string) => void;

  constructor(onChannel: (name: string) => void) {
    this.#onChannel = onChannel;
  }

  update(sample: NowSample): void {
    const rejections = Object.values(sample.rejectionsPerSecond).reduce((a, b) => a + b, 0);
    byId('now-connections').textContent = String(sample.connections);
    byId('now-channels').textContent = String(sample.channels);
    byId('now-in').textContent = formatRate(sample.messagesInPerSecond);
    byId('now-out').textContent = formatRate(sample.messagesOutPerSecond);
    byId('now-rejections').textContent = formatRate(rejections);
    const codes = Object.entries(sample.rejectionsPerSecond).map(([code, n]) => `${code}×${formatRate(n)}`);
    byId('now-codes').textContent = codes.length > 0 ? codes.join(' ') : '–';
    for (const [list, value] of [[this.#in, sample.messagesInPerSecond], [this.#out, sample.messagesOutPerSecond], [this.#rejections, rejections]] as const) {
      list.push(value);
      if (list.length > CAPACITY) list.shift();
    }
    drawChart(byId<HTMLCanvasElement>('chart'), [
      { color: '#2f6fed', values: this.#in },
      { color: '#12b76a', values: this.#out },
      { color: '#c4320a', values: this.#rejections },
    ], CAPACITY);
    this.#channels(sample);
  }

  #channels(sample: NowSample): void {
    const body = byId<HTMLTableElement>('channels').tBodies[0]!;
    const rows = sample.channelList.map((channel) => {
      const row = el('tr');
      row.dataset.channel = channel.name;
      row.title = 'Show this channel in the log';
      cell(row, channel.app);
      cell(row, channel.name);
      cell(row, String(channel.subscribers));
      const members = channel.members ? `${channel.memberCount ?? channel.members.length}: ${channel.members.join(', ')}` : '';
      cell(row, members);
      row.addEventListener('click', () => this.#onChannel(channel.name));
      return row;
    });
    body.replaceChildren(...rows);
    byId('channels-note').textContent = sample.channelListTruncated ? `(first ${sample.channelList.length} of ${sample.channels})` : '';
  }
}
