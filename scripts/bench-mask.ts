/**
 * Card-number masking benchmark for large HTML mail (run by hand, never as a timed test): the
 * masker runs on the main process while a mail is stored, so its time must grow with the mail's
 * length and nothing else. It once did not: after masking many small, varied mails, V8 compiled
 * its scanning loop so that a whole-mail copy was made again and again, and a newsletter of 24,000
 * tags took 52 s where a fresh process took 0.1 s; and each comment searched the rest of the mail
 * for "--!>", so a list of 16,000 commented items took 3.9 s.
 *
 * Each newsletter runs in a child process of its own (a fresh V8): once as the first thing the
 * process does, once after masking small mails of many shapes, as a sync does. Printed per size: the best
 * of three times, and the time per 1,000 tags; a masker linear in the mail's length keeps the
 * latter about the same from the smallest size to the largest.
 * Usage: npm run bench:mask -- [--sizes 8000,16000,32000,64000] (numbers of tags or list items)
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { maskCardNumbersInHtml } from '../shared/htmlCardMask';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '8000,16000,32000,64000' }, child: { type: 'string' }, newsletter: { type: 'string' } } });
const sizes = values.sizes.split(',').map(Number);

/** Small mails of the shapes a sync meets: references, comments, styles, text-only elements, lists, attributes. */
const SMALL_MAILS = [
  '<p>カード番号 4111&nbsp;1111&nbsp;1111&nbsp;1111 です</p>',
  '<p><span>4111</span><span>1111</span><span>1111</span><span>1111</span></p>',
  '<p>4111 <!-->1111 1111 1111<!-- --></p>',
  '<p>4111 <?">1111 1111 1111<?"></p>',
  '<textarea><style></textarea><p>4111<b></b>1111<b></b>1111<b></b>1111</p>',
  '<a href=x="y>4111&nbsp;1111&nbsp;1111&nbsp;1111</a><b title="z">',
  '<style>.n::after{content:" 1111"}</style><p class=n>4111 1111 1111</p>',
  '<ol start=4111><li value=1111>x</li></ol><p>1111 1111 1111</p>',
  '<img alt="4111 1111 1111 1111" src=cid:a><a href="https://x.example/?c=4111%201111%201111%201111">支払い</a>',
  '<table><tr><td>1234</td><td>5678</td><td>9012</td><td>3456</td></tr></table>',
];

/** Long newsletters of `n` parts, each after a number of 12 digits and CSS that writes digits, so that every part is read. */
const NEWSLETTERS: Record<string, (n: number) => string> = {
  /** Short tagged words, after a style that writes attribute values. */
  tags: (n) => `<style>p::after{content:attr(data-n)}</style><p>4111 1111 1111</p>${'<b a=1>x</b>'.repeat(n)}`,
  /** A numbered list of products, each with a style and a comment. */
  list: (n) => `<style>li::before{content:counter(x) ". "}</style><p>4111 1111 1111</p><ol>${'<li style="margin:0"><span>商品 12345678</span> <!-- c --> &amp; 価格 1,234円</li>'.repeat(n)}</ol>`,
};

if (values.child) {
  if (values.child === 'after-small-mails') for (let round = 0; round < 200; round++) for (const html of SMALL_MAILS) maskCardNumbersInHtml(html);
  const times = sizes.map((tags) => {
    // Made flat, as a decoded mail is.
    const html = Buffer.from((NEWSLETTERS[values.newsletter ?? 'tags'] as (n: number) => string)(tags)).toString();
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      maskCardNumbersInHtml(html);
      best = Math.min(best, performance.now() - start);
    }
    return best;
  });
  process.stdout.write(JSON.stringify(times));
} else {
  console.log(`Masking a newsletter of N parts (best of 3, ms; in brackets ms per 1,000 parts), each case in a fresh process`);
  console.log(['newsletter', 'when', ...sizes.map(String)].join('\t'));
  for (const newsletter of Object.keys(NEWSLETTERS)) {
    for (const child of ['first', 'after-small-mails']) {
      const args = [...process.execArgv, process.argv[1] as string, '--child', child, '--newsletter', newsletter, '--sizes', values.sizes];
      const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 600_000 });
      if (run.status !== 0) {
        console.log(`${newsletter}\t${child}\tdid not finish (${run.signal ?? `exit ${run.status}`}) ${run.stderr.trim().split('\n').at(-1) ?? ''}`);
        continue;
      }
      const times = JSON.parse(run.stdout) as number[];
      console.log([newsletter, child, ...times.map((ms, k) => `${ms.toFixed(0)} (${((ms / (sizes[k] as number)) * 1000).toFixed(1)})`)].join('\t'));
    }
  }
}
