// KEY_STORE=pkcs11: the token is opened once per process and checked at start (library, token,
// PIN, master key, a wrap round trip); any failure stops the start with a ConfigError naming the
// setting, never a silent fall back to files.
import type { Config } from '../../config.ts';
import { ConfigError } from '../../config.ts';
import { readPrivateFile } from '../../secrets.ts';
import type { KeyWrapper } from '../keyWrapper.ts';
import type { SubjectKeyStore } from '../keyStore.ts';
import { pkcs11KeyStore } from './keyStore.ts';
import { openToken, type Token, TokenUnavailable } from './token.ts';
import { pkcs11KeyWrapper } from './wrapper.ts';

export type Pkcs11Settings = Extract<Config['keys'], { kind: 'pkcs11' }>;

export interface Pkcs11Keys {
  token: Token;
  wrapper: KeyWrapper;
  store: SubjectKeyStore;
}

const opened = new Map<string, Pkcs11Keys>();

/** Opens (once) and logs in to the token the settings name; ConfigError when it cannot be used. */
export function openPkcs11Token(settings: Pkcs11Settings): Token {
  const pin = readPrivateFile('PKCS11_PIN_FILE', settings.pinFile);
  try {
    return openToken({ module: settings.module, tokenLabel: settings.tokenLabel, pin });
  } catch (err) {
    if (err instanceof TokenUnavailable)
      throw new ConfigError([{ variable: 'KEY_STORE', problem: `pkcs11: ${err.message}` }]);
    throw err;
  }
}

export function pkcs11Keys(settings: Pkcs11Settings): Pkcs11Keys {
  const name = `${settings.module}|${settings.tokenLabel}|${settings.keyLabel}`;
  let keys = opened.get(name);
  if (keys) return keys;
  const token = openPkcs11Token(settings);
  try {
    keys = { token, wrapper: pkcs11KeyWrapper(token, settings.keyLabel), store: pkcs11KeyStore(token) };
  } catch (err) {
    token.close();
    if (err instanceof TokenUnavailable)
      throw new ConfigError([{ variable: 'PKCS11_KEY_LABEL', problem: err.message }]);
    throw err;
  }
  opened.set(name, keys);
  return keys;
}
