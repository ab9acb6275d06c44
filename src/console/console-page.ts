/**
 * The console's HTML shell: markup and styles only, no data (it is served without the token; the
 * data comes from the token-checked stream). Scripts are the compiled modules of ./page.
 */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>pusher-sidecar debug console</title>
<style>
:root { --bg: #f6f7f9; --panel: #fff; --ink: #1d232b; --muted: #667085; --line: #e3e6eb; --accent: #2f6fed; --bad: #c4320a; --warn: #b54708; --ok: #067647; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; gap: 12px; align-items: center; padding: 8px 16px; background: #111827; color: #fff; flex-wrap: wrap; }
header h1 { font-size: 15px; margin: 0; font-weight: 600; }
header h1 span { color: #9ca3af; font-weight: 400; }
.status { padding: 2px 8px; border-radius: 10px; background: #374151; font-size: 12px; }
.status.live { background: var(--ok); }
.status.refused { background: var(--bad); }
.notice { color: #fbbf24; font-size: 12px; }
main > * { min-width: 0; }
main { display: grid; grid-template-columns: minmax(320px, 400px) 1fr; gap: 12px; padding: 12px 16px; align-items: start; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; margin-bottom: 12px; }
h2 { font-size: 13px; margin: 0 0 8px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.counters { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; }
.counters div { background: var(--bg); border-radius: 4px; padding: 4px 8px; }
.counters b { display: block; font-size: 18px; font-variant-numeric: tabular-nums; }
.counters span { color: var(--muted); font-size: 11px; }
canvas { width: 100%; height: 110px; margin-top: 8px; display: block; }
.legend { font-size: 11px; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 3px; margin: 0 4px 2px 8px; vertical-align: middle; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 11px; color: var(--muted); font-weight: 600; }
#channels tbody tr { cursor: pointer; }
#channels tbody tr:hover { background: #eef4ff; }
.filters { display: flex; gap: 6px; flex-wrap: wrap; margin-bottom: 8px; }
input, select, textarea, button { font: inherit; padding: 3px 6px; border: 1px solid #cbd2dc; border-radius: 4px; background: #fff; }
button { cursor: pointer; background: var(--accent); color: #fff; border-color: var(--accent); }
button.secondary { background: #fff; color: var(--ink); border-color: #cbd2dc; }
.filters input { width: 110px; }
#log-wrap { max-height: calc(100vh - 150px); overflow: auto; }
#log td { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
#log td { white-space: nowrap; }
#log td.what, #log td.data { white-space: normal; }
#log td.what { font-family: inherit; min-width: 280px; max-width: 520px; }
#log td.socket { white-space: normal; word-break: break-all; min-width: 90px; max-width: 130px; }
#log tr.rejection td { background: #fff4f0; }
#log tr.console td { background: #fffbeb; }
.kind { font-size: 11px; padding: 0 5px; border-radius: 3px; background: var(--bg); }
.code { font-weight: 700; color: var(--bad); }
.fix { color: var(--warn); font-size: 12px; margin-top: 2px; }
.data { color: var(--muted); word-break: break-all; }
form label { display: block; margin: 4px 0; font-size: 12px; color: var(--muted); }
form input, form select, form textarea { width: 100%; color: var(--ink); }
#send-result, #doctor-summary { margin: 6px 0 0; font-size: 12px; }
.ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); }
#doctor-results { list-style: none; padding: 0; margin: 6px 0 0; }
#doctor-results li { padding: 4px 0; border-bottom: 1px solid var(--line); }
#doctor-results .verdict { font-weight: 700; text-transform: uppercase; font-size: 11px; margin-right: 6px; }
#token-form { display: flex; gap: 6px; align-items: center; }
#token-form input { width: 180px; }
</style>
</head>
<body>
<header>
  <h1>pusher-sidecar <span>debug console</span></h1>
  <span id="status" class="status">connecting…</span>
  <span id="node" class="legend"></span>
  <span id="dropped" class="notice" hidden></span>
  <form id="token-form" hidden><input id="token-input" type="password" placeholder="dashboard token" autocomplete="off"><button>Open</button></form>
  <span id="refused" class="notice" hidden></span>
</header>
<main>
  <div>
    <section id="now">
      <h2>Now</h2>
      <div class="counters">
        <div><b id="now-connections">–</b><span>connections</span></div>
        <div><b id="now-channels">–</b><span>channels</span></div>
        <div><b id="now-rejections">–</b><span>rejections/s</span></div>
        <div><b id="now-in">–</b><span>messages in/s</span></div>
        <div><b id="now-out">–</b><span>messages out/s</span></div>
        <div><b id="now-codes">–</b><span>by code</span></div>
      </div>
      <canvas id="chart" width="720" height="220" aria-label="messages per second, last 2 minutes"></canvas>
      <div class="legend"><i style="background:#2f6fed"></i>in/s<i style="background:#12b76a"></i>out/s<i style="background:#c4320a"></i>rejections/s · last 2 min</div>
    </section>
    <section>
      <h2>Channels <span id="channels-note" class="legend"></span></h2>
      <table id="channels"><thead><tr><th>app</th><th>channel</th><th>subs</th><th>presence members</th></tr></thead><tbody></tbody></table>
    </section>
    <section id="send">
      <h2>Send a test event</h2>
      <form id="send-form">
        <label>app <select id="send-app" name="app"></select></label>
        <label>channel <input id="send-channel" name="channel" required placeholder="orders"></label>
        <label>event <input id="send-event" name="event" required placeholder="OrderShipped"></label>
        <label>data (JSON) <textarea id="send-data" name="data" rows="3">{"hello":"world"}</textarea></label>
        <button id="send-button">Publish</button>
      </form>
      <p id="send-result" role="status"></p>
    </section>
    <section id="doctor">
      <h2>Doctor</h2>
      <button id="doctor-run" class="secondary">Run the checks</button>
      <p id="doctor-summary" role="status"></p>
      <ul id="doctor-results"></ul>
    </section>
  </div>
  <section id="log-section">
    <h2>Live log</h2>
    <div class="filters">
      <input id="filter-app" placeholder="app" aria-label="filter by app">
      <input id="filter-channel" placeholder="channel" aria-label="filter by channel">
      <input id="filter-socket" placeholder="socket id" aria-label="filter by socket id">
      <select id="filter-kind" aria-label="filter by kind"><option value="">every kind</option></select>
      <input id="filter-code" placeholder="code" aria-label="filter by code">
      <button id="pause" class="secondary" type="button">Pause</button>
      <button id="clear" class="secondary" type="button">Clear</button>
      <span id="log-note" class="legend"></span>
    </div>
    <div id="log-wrap">
      <table id="log"><thead><tr><th>time</th><th>node</th><th>kind</th><th>app</th><th>socket</th><th>ip</th><th>channel</th><th>what</th><th>data</th></tr></thead><tbody></tbody></table>
    </div>
  </section>
</main>
<script type="module" src="/console/app.js"></script>
</body>
</html>
`;
