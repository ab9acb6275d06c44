import { byId, el } from './dom.js';

interface ErrorBody {
  error?: string;
  code?: number;
}

interface CheckResult {
  id: string;
  status: 'pass' | 'fail' | 'warn' | 'skip';
  detail: string;
  fix?: string;
}

function authHeaders(token: string, json: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  if (json) headers['Content-Type'] = 'application/json';
  if (token !== '') headers.Authorization = `Bearer ${token}`;
  return headers;
}

async function errorOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as ErrorBody;
    return body.error ? `${response.status}: ${body.error}` : `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

/** "Send a test event": posted to the console, which publishes it through the HTTP API's own path. */
export function setUpSendForm(token: () => string): void {
  const form = byId<HTMLFormElement>('send-form');
  const result = byId('send-result');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const field = (id: string) => byId<HTMLInputElement>(id).value;
    const data = field('send-data');
    try {
      JSON.parse(data);
    } catch {
      result.className = 'bad';
      result.textContent = 'data must be valid JSON, e.g. {"hello":"world"}';
      return;
    }
    result.className = '';
    result.textContent = 'sending…';
    const body = JSON.stringify({ app: field('send-app'), channel: field('send-channel').trim(), event: field('send-event').trim(), data });
    fetch('/console/api/send', { method: 'POST', headers: authHeaders(token(), true), body }).then(async (response) => {
      result.className = response.ok ? 'ok' : 'bad';
      result.textContent = response.ok ? 'Published: see the log for who received it.' : `Refused ${await errorOf(response)}`;
    }, (err: unknown) => {
      result.className = 'bad';
      result.textContent = `Could not reach the console: ${String(err)}`;
    });
  });
}

export function setApps(apps: readonly string[]): void {
  const select = byId<HTMLSelectElement>('send-app');
  const current = select.value;
  select.replaceChildren(...apps.map((id) => {
    const option = el('option', undefined, id);
    option.value = id;
    return option;
  }));
  if (apps.includes(current)) select.value = current;
}

/** "Doctor on the page": whatever checks runDoctor returns, each with its verdict and fix. */
export function setUpDoctor(token: () => string): void {
  const button = byId<HTMLButtonElement>('doctor-run');
  const summary = byId('doctor-summary');
  const list = byId('doctor-results');
  button.addEventListener('click', () => {
    button.disabled = true;
    summary.className = '';
    summary.textContent = 'running…';
    list.replaceChildren();
    fetch('/console/api/doctor', { headers: authHeaders(token(), false) }).then(async (response) => {
      if (!response.ok) {
        summary.className = 'bad';
        summary.textContent = `Refused ${await errorOf(response)}`;
        return;
      }
      const report = (await response.json()) as { results: CheckResult[] };
      const failed = report.results.filter((r) => r.status === 'fail').length;
      summary.className = failed > 0 ? 'bad' : 'ok';
      summary.textContent = failed > 0 ? `${failed} check${failed > 1 ? 's' : ''} failed` : 'every check passed or was skipped';
      list.replaceChildren(...report.results.map((check) => {
        const item = el('li');
        item.dataset.check = check.id;
        item.dataset.status = check.status;
        const verdictClass = check.status === 'pass' ? 'ok' : check.status === 'fail' ? 'bad' : 'warn';
        item.append(el('span', `verdict ${verdictClass}`, check.status), el('b', undefined, `${check.id} `), document.createTextNode(check.detail));
        if (check.fix) item.append(el('div', 'fix', `Fix: ${check.fix}`));
        return item;
      }));
    }, (err: unknown) => {
      summary.className = 'bad';
      summary.textContent = `Could not reach the console: ${String(err)}`;
    }).finally(() => {
      button.disabled = false;
    });
  });
}
