import { isIPv6 } from 'node:net';
import type { Recognizer } from './recognizer.ts';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

export const ipAddress: Recognizer = {
  name: 'ip_address',
  entity: 'IP_ADDRESS',
  patterns: [
    {
      name: 'ipv4',
      // Not after 'v'/'version' (software versions 1.2.3.4) and not inside a longer dotted number.
      regex: new RegExp(
        `(?<![A-Za-z0-9.])(?<!(?<!\\p{L})(?:v|ver|version|build) ?)${OCTET}(?:\\.${OCTET}){3}(?![\\p{N}]|\\.\\d)`,
        'giu',
      ),
      score: 0.7,
    },
    {
      name: 'ipv6',
      // Candidate: hex groups with colons; node:net decides whether it really is an IPv6 address.
      regex: /(?<![A-Za-z0-9:])(?:[0-9A-Fa-f]{1,4}|:)?(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}(?![A-Za-z0-9:])/gu,
      score: 0.7,
    },
  ],
  context: ['ip', 'ip address', 'ipv4', 'ipv6', 'address', 'server', 'login from', 'logged in from'],
  contextBoost: 0.2,
  validate: (value) => !value.includes(':') || (isIPv6(value) && /[0-9A-Fa-f]{2}/.test(value)),
  validScore: 0.7,
};
