import { parseInboundMail } from '../electron/mail/parseInboundMail';
const name = Buffer.from('山田花子', 'utf8');
// split inside 田 (bytes 3..5): first word bytes 0..4, second 4..
const w1 = name.subarray(0, 4).toString('base64'), w2 = name.subarray(4).toString('base64');
const raw = (from: string) => Buffer.from(`From: ${from}\r\nTo: support@toot.example\r\nSubject: test\r\nMessage-ID: <x@y>\r\nDate: Tue, 24 Nov 2026 01:05:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n`);
const main = async () => {
  for (const from of [`=?UTF-8?B?${w1}?= =?UTF-8?B?${w2}?= <hanako@example.jp>`, `"=?UTF-8?B?${w1}?= =?UTF-8?B?${w2}?=" <hanako@example.jp>`, `=?UTF-8?Q?${[...name.subarray(0,4)].map(b=>'='+b.toString(16).toUpperCase()).join('')}?=\r\n =?UTF-8?Q?${[...name.subarray(4)].map(b=>'='+b.toString(16).toUpperCase()).join('')}?= <hanako@example.jp>`]) {
    const m = await parseInboundMail(raw(from), new Date().toISOString());
    console.log(JSON.stringify(m.fromName), m.fromAddress);
  }
};
void main();
