import { describe, expect, it } from 'vitest';
import { formatEnvLine, readEnvValues, writeEnvVariables } from '../../src/installer/env-file.js';

// Expected outputs follow Laravel's Env::addVariableToEnvContents (reference Part B1).

describe('formatEnvLine quotes like Laravel', () => {
  it.each([
    ['reverb', 'KEY=reverb'],
    ['6001', 'KEY=6001'],
    ['127.0.0.1', 'KEY="127.0.0.1"'],
    ['${REVERB_APP_KEY}', 'KEY="${REVERB_APP_KEY}"'],
    ["it's", `KEY="it\\'s"`.replace("\\'", "'")],
    ['say "hi"', `KEY='say "hi"'`],
    ['back\\slash', 'KEY="back\\\\slash"'],
    ['', 'KEY='],
  ])('%s', (value, line) => {
    expect(formatEnvLine('KEY', value)).toBe(line);
  });

  it('reads back what it writes (Node dotenv, as the sidecar reads .env)', () => {
    for (const value of ['127.0.0.1', 'say "hi"', "it's", 'a b#c', 'https://example.com/broadcasting/auth', 'abc+/=']) {
      expect(readEnvValues(formatEnvLine('KEY', value)).KEY).toBe(value);
    }
  });
});

describe('writeEnvVariables', () => {
  const base = ['APP_NAME=Laravel', '', '# broadcasting', 'BROADCAST_CONNECTION=log', 'REVERB_APP_ID=', '', 'VITE_APP_NAME="${APP_NAME}"', ''].join('\n');

  it('replaces a value only when asked to', () => {
    expect(writeEnvVariables(base, [{ key: 'BROADCAST_CONNECTION', value: 'reverb', overwrite: false }])).toBe(base);
    expect(writeEnvVariables(base, [{ key: 'BROADCAST_CONNECTION', value: 'reverb', overwrite: true }]))
      .toBe(base.replace('BROADCAST_CONNECTION=log', 'BROADCAST_CONNECTION=reverb'));
  });

  it('fills an empty KEY= even without overwrite', () => {
    expect(writeEnvVariables(base, [{ key: 'REVERB_APP_ID', value: '123456', overwrite: false }]))
      .toBe(base.replace('REVERB_APP_ID=', 'REVERB_APP_ID=123456'));
  });

  it('inserts after the last line with the same prefix', () => {
    const out = writeEnvVariables(base, [
      { key: 'REVERB_APP_KEY', value: 'abc', overwrite: false },
      { key: 'VITE_REVERB_HOST', value: 'example.com', overwrite: true },
    ]);
    expect(out).toBe(['APP_NAME=Laravel', '', '# broadcasting', 'BROADCAST_CONNECTION=log', 'REVERB_APP_ID=', 'REVERB_APP_KEY=abc', '',
      'VITE_APP_NAME="${APP_NAME}"', 'VITE_REVERB_HOST="example.com"', ''].join('\n'));
  });

  it('appends a new prefix after a blank line and keeps the final newline', () => {
    expect(writeEnvVariables('A_X=1\n', [{ key: 'PUSHER_SIDECAR_PORT', value: '6001', overwrite: true }]))
      .toBe('A_X=1\n\nPUSHER_SIDECAR_PORT=6001\n');
    expect(writeEnvVariables('A_X=1', [{ key: 'B_Y', value: '2', overwrite: true }])).toBe('A_X=1\n\nB_Y=2');
    expect(writeEnvVariables('', [{ key: 'B_Y', value: '2', overwrite: true }])).toBe('B_Y=2\n');
  });

  it('leaves an identical line alone, quoted or not', () => {
    const text = 'REVERB_HOST=127.0.0.1\nVITE_REVERB_APP_KEY="${REVERB_APP_KEY}"\n';
    expect(writeEnvVariables(text, [
      { key: 'REVERB_HOST', value: '127.0.0.1', overwrite: true },
      { key: 'VITE_REVERB_APP_KEY', value: '${REVERB_APP_KEY}', overwrite: true },
    ])).toBe(text);
  });

  it('keeps Windows line endings', () => {
    expect(writeEnvVariables('APP_NAME=x\r\nBROADCAST_CONNECTION=log\r\n', [{ key: 'BROADCAST_CONNECTION', value: 'reverb', overwrite: true }]))
      .toBe('APP_NAME=x\r\nBROADCAST_CONNECTION=reverb\r\n');
  });
});
