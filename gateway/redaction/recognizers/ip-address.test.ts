import { describe } from 'vitest';
import { ipAddress } from './ip-address.ts';
import { detects } from './table.ts';

describe('ip address', () => {
  detects(ipAddress, [
    { text: 'logged in from 192.168.1.20 today', found: ['192.168.1.20'] },
    { text: 'server 10.0.0.1, backup 8.8.8.8.', found: ['10.0.0.1', '8.8.8.8'] },
    { text: 'ipv6 2001:db8:85a3::8a2e:370:7334 ok', found: ['2001:db8:85a3::8a2e:370:7334'] },
    { text: 'loopback ::1 and fe80::1ff:fe23:4567:890a', found: ['fe80::1ff:fe23:4567:890a'] },
    { text: 'IP １９２．１６８．１．２０', found: ['１９２．１６８．１．２０'] },
    { text: 'out of range 256.1.1.1', found: [] },
    { text: 'app version 1.2.3.4 and v2.0.1.7', found: [] },
    { text: 'the meeting is at 12:30:45', found: [] },
    { text: 'mac 00:1A:2B:3C:4D:5E', found: [] },
  ]);
});
