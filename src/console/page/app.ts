import { byId } from './dom.js';
import { openEventStream } from './event-stream.js';
import { setApps, setUpDoctor, setUpSendForm } from './forms.js';
import { LogView, type Entry } from './log-view.js';
import { NowView, type NowSample } from './now-view.js';

interface Hello {
  node: string;
  version: string;
  apps: string[];
  kinds: string[];
  rate: number;
  logSize: number;
  sampledOut: number;
}

// The token comes from the URL fragment (#token=…), which browsers never send to the server, or
// from the form; it is kept for this tab only.
function initialToken(): string {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (match) {
    const token = decodeURIComponent(match[1]!);
    sessionStorage.setItem('pusher-sidecar-console-token', token);
    history.replaceState(null, '', location.pathname);
    return token;
  }
  return sessionStorage.getItem('pusher-sidecar-console-token') ?? '';
}

let token = initialToken();
const getToken = () => token;
const status = byId('status');
const log = new LogView();
const now = new NowView((channel) => log.filterBy('channel', channel));
setUpSendForm(getToken);
setUpDoctor(getToken);

function setStatus(text: string, className: string): void {
  status.textContent = text;
  status.className = `status ${className}`;
}

let stream = start();

function start() {
  return openEventStream('/console/api/stream', getToken, {
    onOpen() {
      setStatus('live', 'live');
      byId('refused').hidden = true;
      byId('token-form').hidden = true;
    },
    onClosed() {
      setStatus('reconnecting…', '');
    },
    onRefused(code, error) {
      setStatus(code === 503 ? 'busy' : 'refused', 'refused');
      const refused = byId('refused');
      refused.hidden = false;
      refused.textContent = error;
      if (code === 401) byId('token-form').hidden = false;
    },
    onEvent(name, data) {
      if (name === 'hello') {
        const hello = JSON.parse(data) as Hello;
        byId('node').textContent = `node ${hello.node} · v${hello.version} · log keeps ${hello.logSize}, samples past ${hello.rate}/s`;
        log.setKinds(hello.kinds);
        setApps(hello.apps);
      } else if (name === 'entries') {
        log.add(JSON.parse(data) as Entry[]);
      } else if (name === 'now') {
        now.update(JSON.parse(data) as NowSample);
      } else if (name === 'dropped') {
        const dropped = byId('dropped');
        dropped.hidden = false;
        dropped.textContent = `${data} entries dropped: this page could not keep up (the server never waits for it)`;
      }
    },
  });
}

byId<HTMLFormElement>('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  token = byId<HTMLInputElement>('token-input').value.trim();
  sessionStorage.setItem('pusher-sidecar-console-token', token);
  stream.stop();
  stream = start();
});
