import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Lower-case letters and digits from the CSPRNG (the same shape `reverb:install` writes). */
export function randomToken(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

export interface Credentials {
  id: string;
  key: string;
  secret: string;
}

export type CredentialSource = 'flag' | 'reused' | 'generated';

export interface ResolvedCredentials extends Credentials {
  sources: Record<keyof Credentials, CredentialSource>;
}

/**
 * Flags win, then values already in .env (so an app that already talks to Reverb or Pusher
 * keeps its keys, and a second run changes nothing), then fresh random ones: a 6-digit id,
 * a 20-character key and a 40-character secret.
 */
export function resolveCredentials(
  flags: Partial<Credentials>,
  existing: Partial<Credentials>,
  generate: () => Credentials = () => ({ id: String(randomInt(100_000, 1_000_000)), key: randomToken(20), secret: randomToken(40) }),
): ResolvedCredentials {
  const fresh = generate();
  const pick = (field: keyof Credentials): [string, CredentialSource] => {
    const flag = flags[field];
    if (flag) return [flag, 'flag'];
    const found = existing[field];
    if (found) return [found, 'reused'];
    return [fresh[field], 'generated'];
  };
  const [id, idSource] = pick('id');
  const [key, keySource] = pick('key');
  const [secret, secretSource] = pick('secret');
  return { id, key, secret, sources: { id: idSource, key: keySource, secret: secretSource } };
}
