import { describe, expect, it } from 'vitest';
import { findBuiltEchoOptions } from '../../src/doctor/bundle-check.js';

describe('reading Echo options out of minified bundles', () => {
  it('reads the quote styles and port forms minifiers emit', () => {
    // esbuild (Vite 5/6): double quotes, folded Number(); rolldown/oxc (Vite 7+): backticks.
    const esbuild = 'window.Echo=new Te({broadcaster:"reverb",key:"k1",wsHost:"a.test",wsPort:80,wssPort:443,forceTLS:!1,enabledTransports:["ws","wss"]});';
    const oxc = 'configureEcho({broadcaster:`reverb`,Pusher:ne,key:`k2`,wsHost:`b.test`,wsPort:Number(`8080`),wssPort:Number(`8080`),forceTLS:!0,channelAuthorization:{customHandler:x}})';
    expect(findBuiltEchoOptions('a.js', esbuild)).toEqual([{ file: 'a.js', key: 'k1', wsHost: 'a.test', wsPort: '80', wssPort: '443', forceTLS: false }]);
    expect(findBuiltEchoOptions('b.js', oxc)).toEqual([{ file: 'b.js', key: 'k2', wsHost: 'b.test', wsPort: '8080', wssPort: '8080', forceTLS: true }]);
  });

  it('ignores pusher-js\'s own option plumbing (wsHost computed, not a literal)', () => {
    expect(findBuiltEchoOptions('c.js', 'n={wsPort:e.wsPort||a.wsPort,wsHost:Yt(e)};function Xt(e){return`ws-${e}.pusher.com`}')).toEqual([]);
  });
});
