import { describe, expect, it } from 'vitest';
import { maskCardNumbers } from '../../shared/cardMask';
import { htmlContainsCardNumber, maskCardNumbersInHtml } from '../../shared/htmlCardMask';

/** What a reader sees of the HTML's digits: tags dropped, references decoded. */
const digitsOnScreen = (html: string) =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)))
    .replace(/&nbsp;/g, ' ');

describe('card numbers in HTML mail, as a reader sees them', () => {
  it('masks numbers spelled with &nbsp;, split over inline tags, written as character references or broken by a line', () => {
    const shapes = [
      '<p>カード番号 4111&nbsp;1111&nbsp;1111&nbsp;1111 です</p>',
      '<p><span>4111</span><span>1111</span><span>1111</span><span>1111</span></p>',
      '<div>カード：<b>4111-1111</b>-<i>1111-1111</i></div>',
      '<p>&#52;&#49;&#49;&#49; 1111 1111 1111</p>',
      '<p>4111 1111\n      1111 1111</p>',
      '<td>4111 1111 1111 1111</td>',
      '<p>4111\u00a01111\u00a01111\u00a01111</p>',
    ];
    for (const html of shapes) {
      const masked = maskCardNumbersInHtml(html);
      expect(digitsOnScreen(masked).replace(/\D/g, ''), html).toBe('1111');
      // The markup around it stays as it was.
      expect(masked.replace(/[*\d]|&#\d+;/g, ''), html).toBe(html.replace(/[*\d]|&#\d+;/g, ''));
    }
  });

  it('reads comments, bogus comments, quotes and text-only elements as a browser does, so nothing shown is taken for markup', () => {
    const shapes = [
      // "<!-->" is a whole, empty comment: what follows is text.
      '<p>4111 <!-->1111 1111 1111<!-- --></p>',
      '<p>4111 <!--->1111 1111 1111<!-- --></p>',
      // A bogus comment ends at the first ">", quotes or not.
      '<p>4111 <?">1111 1111 1111<?"></p>',
      '<p>4111 </ ">1111 1111 1111 </ "></p>',
      '<p>4111 <!x ">1111 1111 1111 <!x "></p>',
      // A quote that starts no value (no "=") is part of a name: the tag ends at the first ">".
      '<p><b "x>4111 1111 1111 1111 <i "></b></p>',
      // What looks like a tag in a textarea or xmp is text: the number after it is not inside a style.
      '<textarea><style></textarea><p>4111<b></b>1111<b></b>1111<b></b>1111</p>',
      '<xmp><style></xmp><p>4111<b></b>1111<b></b>1111<b></b>1111</p>',
      // A comment closed by "--!>"; dashes not followed by ">" or "!>" close nothing.
      '<p>4111 <!-- x --!>1111 1111 1111 <!-- --></p>',
      '<p>4111 <!-- a -- b --!x ---->1111 1111 1111 <!-- --></p>',
      // An "=" where no value can start: a quote after it opens nothing.
      '<a href=x="y>4111&nbsp;1111&nbsp;1111&nbsp;1111</a><b title="z">',
      '<a ="x>4111&nbsp;1111&nbsp;1111&nbsp;1111<b c="">',
      '<p a="b"="c>4111&nbsp;1111&nbsp;1111&nbsp;1111',
      // A custom element named like a text-only one is not one.
      '<title-bar>x</title-bar><p>4111<span>1111</span>1111<span>1111</span></p>',
    ];
    for (const html of shapes) {
      const masked = maskCardNumbersInHtml(html);
      expect(masked, html).not.toContain('4111');
      expect(masked.match(/1111/g) ?? [], html).toHaveLength(1);
    }
    // Values that hold ">" and "=" are read whole: nothing in them is text.
    expect(maskCardNumbersInHtml('<a title="a>b=c" href=\'x>y\'>4111 1111 1111 1111</a>')).toBe('<a title="a>b=c" href=\'x>y\'>**** **** **** 1111</a>');
    expect(maskCardNumbersInHtml('<img alt="4111 1111 1111 1111" src=cid:a>')).toBe('<img alt="**** **** **** 1111" src=cid:a>');
    // A closing tag's name must end there: "</textareax" closes nothing, and what follows is still the textarea's text.
    expect(maskCardNumbersInHtml('<textarea></textareax><style></textarea>4111 1111 1111 1111')).toBe('<textarea></textareax><style></textarea>**** **** **** 1111');
  });

  it('masks a number broken by <br> between groups, and one in an attribute value', () => {
    expect(maskCardNumbersInHtml('4111 1111<br>1111 1111')).toBe('**** ****<br>**** 1111');
    expect(maskCardNumbersInHtml('<a href="https://pay.example/?card=4111111111111111">支払い</a>')).toBe('<a href="https://pay.example/?card=************1111">支払い</a>');
  });

  it('masks attribute values as a browser reads them: references and %-escapes decoded', () => {
    const shapes = [
      '<img src="cid:a" alt="4111&#32;1111 1111 1111">',
      '<span title="4111&nbsp;1111&nbsp;1111&nbsp;1111">カード</span>',
      '<img alt=\'&#52;111111111111111\'>',
      '<a href="https://x.example/?c=4111%201111%201111%201111">支払い</a>',
    ];
    for (const html of shapes) {
      const masked = maskCardNumbersInHtml(html);
      const values = [...masked.matchAll(/="([^"]*)"|='([^']*)'/g)].map((m) => decodeURIComponent((m[1] ?? m[2])!.replace(/&nbsp;/g, ' ')));
      expect(values.join(' ').replace(/[^\d*]/g, '').replace(/\*/g, ''), html).toMatch(/^1111$/);
    }
    expect(maskCardNumbersInHtml('<p><span title="4111&nbsp;1111&nbsp;1111&nbsp;1111">カード</span> 4111 1111 1111 1111</p>')).toBe(
      '<p><span title="****\u00a0****\u00a0****\u00a01111">カード</span> **** **** **** 1111</p>',
    );
    // Attributes as the tokenizer finds them (after "/" or a quoted value), and every named reference decoded.
    for (const html of ['<img/alt="4111 1111 1111 1111">', '<img src="x"alt="4111 1111 1111 1111">', '<img alt="4111&Tab;1111&Tab;1111&Tab;1111">']) {
      expect(maskCardNumbersInHtml(html), html).toMatch(/alt="\*{4}\s\*{4}\s\*{4}\s1111"/);
    }
  });

  it('reads references as browsers do: &nbsp without its ";", and the long names of spaces and dashes', () => {
    for (const between of ['&nbsp', '&NonBreakingSpace;', '&ndash;', '&shy;']) {
      const html = `<p>4111${between}1111${between}1111${between}1111</p>`;
      expect(maskCardNumbersInHtml(html)).toBe(`<p>****${between}****${between}****${between}1111</p>`);
    }
  });

  it('leaves everything else byte for byte: phone and order numbers, styles, scripts, text with < and &', () => {
    const html =
      '<style>td { width: 120px }</style><script>var order = 20261203;</script><p style="color:#123456">電話 03-1234-5678 注文番号 20261203-0001 a < b &amp; c &copy;</p><table><tr><td>1234</td><td>5678</td><td>9012</td></tr></table>';
    expect(maskCardNumbersInHtml(html)).toBe(html);
  });

  it('masks a card number in a script or style, which no one reads but which is stored all the same', () => {
    const html = '<script type="application/ld+json">{"paymentMethod":"4111 1111 1111 1111"}</script><style>td { width: 4111111111111111px }</style><p>ご注文</p>';
    expect(maskCardNumbersInHtml(html)).toBe('<script type="application/ld+json">{"paymentMethod":"**** **** **** 1111"}</script><style>td { width: ************1111px }</style><p>ご注文</p>');
    expect(htmlContainsCardNumber(html)).toBe(true);
  });

  it('ends a style, script or textarea at its closing tag in any case, wherever the text before it is', () => {
    // "İ" lower-cases to two characters: positions read off a lower-cased copy would land past the closing tag, in the number.
    const afterDottedCapitals = `<style>${'İ'.repeat(30)}</style>4111<b></b>1111<b></b>1111<b></b>1111`;
    expect(maskCardNumbersInHtml(afterDottedCapitals)).toBe(`<style>${'İ'.repeat(30)}</style>****<b></b>****<b></b>****<b></b>1111`);
    for (const name of ['STYLE', 'Script', 'TEXTAREA']) {
      const html = `<${name}>x</${name} >4111<b></b>1111<b></b>1111<b></b>1111`;
      expect(maskCardNumbersInHtml(html), name).toBe(`<${name}>x</${name} >****<b></b>****<b></b>****<b></b>1111`);
    }
  });

  it('masks what the plain-text masking masks, in text without markup', () => {
    for (const text of ['4111 1111 1111 1111', '注文番号12 4111 1111 1111 1111 12/27', '３７８２ ８２２４６３ １０００５']) {
      expect(maskCardNumbersInHtml(text)).toBe(maskCardNumbers(text));
    }
  });

  it('takes out CSS that writes digits where they could make a card number: generated content, list markers, counters', () => {
    const shapes: Array<[string, string]> = [
      // Spelled in generated content alone, in strings that run together, or with CSS escapes.
      ['<style>p::after{content:"4111" " 1111" " 1111" " 1111"}</style><p>カード</p>', '<style>p::after{content: none}</style><p>カード</p>'],
      ['<style>p::after { content: "\\34 111 \\31 111 1111 1111" }</style><p>カード</p>', '<style>p::after { content: none}</style><p>カード</p>'],
      // Finished there from the text beside it, or from an attribute the style reads.
      ['<style>.n::after{color:red;content:" 1111"}</style><p class=n>4111 1111 1111</p>', '<style>.n::after{color:red;content: none}</style><p class=n>4111 1111 1111</p>'],
      ['<style>.n::before{content:attr(data-n)}</style><p class=n data-n="4111">1111 1111 1111</p>', '<style>.n::before{content: none}</style><p class=n data-n="4111">1111 1111 1111</p>'],
      // A semicolon in the string ends nothing; an escaped name is still the property.
      ['<style>p::after{c\\6fntent:"a;4111 1111 1111 1111"}</style>', '<style>p::after{c\\6fntent: none}</style>'],
      // List markers: a string, or counting on from a long number.
      ['<ul><li style="list-style-type:&quot;4111 1111 1111 1111 &quot;">カード</li></ul>', '<ul><li style="list-style-type: none">カード</li></ul>'],
      ['<ol style="counter-reset: list-item 4111111111111110"><li>a</li><li>b</li></ol>', '<ol style="counter-reset: none"><li>a</li><li>b</li></ol>'],
      // A list's own numbering, written in a counter style without its ". ".
      [
        '<style>@counter-style c{system:extends decimal;suffix:""}</style><ol start="411111111" style="list-style:inside c"><li>1111111</li></ol>',
        '<style>@counter-style c{system:extends decimal;suffix:""}</style><ol start="*********" style="list-style:inside c"><li>1111111</li></ol>',
      ],
      // Through a custom property.
      ['<style>.n{--d:" 1111"}.n::after{content:var(--d)}</style><p class=n>4111 1111 1111</p>', '<style>.n{--d:" 1111"}.n::after{content: none}</style><p class=n>4111 1111 1111</p>'],
      // After a url() a browser reads as one token, whatever quotes or brackets it holds.
      ['<style>.n::after{background:url(x\');content:" 1111"}</style><p class=n>4111 1111 1111</p>', '<style>.n::after{background:url(x\');content: none}</style><p class=n>4111 1111 1111</p>'],
      ['<style>.n::after{background:url(x(y);content:" 1111"}</style><p class=n>4111 1111 1111</p>', '<style>.n::after{background:url(x(y);content: none}</style><p class=n>4111 1111 1111</p>'],
      // Style attributes the tokenizer finds, their references decoded.
      ['<li/style="list-style:inside \'4111 1111 1111 \'">1111</li>', '<li/style="list-style: none">1111</li>'],
      ['<li title="x"style="list-style:inside \'4111 1111 1111 \'">1111</li>', '<li title="x"style="list-style: none">1111</li>'],
      ['<li style="list-style&colon;inside \'4111 1111 1111 \'">1111</li>', '<li style="list-style: none">1111</li>'],
      // "</styles>" does not end the style; a string goes on over an escaped line break; "/*" in a string is text.
      ['<style>p{}</styles>{} .n::after{content:" 1111"}</style><p class=n>4111 1111 1111</p>', '<style>p{}</styles>{} .n::after{content: none}</style><p class=n>4111 1111 1111</p>'],
      ['<style>.n::after{font-family:"\\\r\n";content:" 1111"}</style><p class=n>4111 1111 1111</p>', '<style>.n::after{font-family:"\\\r\n";content: none}</style><p class=n>4111 1111 1111</p>'],
      [
        '<style>.n{quotes:"/*" "" " 1111" "*/"}.n::after{content:open-quote}</style><p class=n>4111 1111 1111</p>',
        '<style>.n{quotes: none}.n::after{content:open-quote}</style><p class=n>4111 1111 1111</p>',
      ],
      // Hyphens and emphasis marks are written too.
      ['<style>.n{hyphens:manual;hyphenate-character:" 1111"}</style><p class=n>4111 1111 1111&shy;x</p>', '<style>.n{hyphens:manual;hyphenate-character: none}</style><p class=n>4111 1111 1111&shy;x</p>'],
      // A string left open at the end is still written.
      ['<ul><li style=\'list-style-type:"4111 1111 1111 1111\'>x</li></ul>', '<ul><li style="list-style-type: none">x</li></ul>'],
    ];
    for (const [html, masked] of shapes) {
      expect(maskCardNumbersInHtml(html), html).toBe(masked);
      expect(htmlContainsCardNumber(html), html).toBe(true);
      expect(htmlContainsCardNumber(masked), masked).toBe(false);
    }
    // Only the declarations that write digits change.
    expect(maskCardNumbersInHtml('<style>.n::after{color:red;content:" 1111"} .n{font-size:12px}</style><p class=n>4111 1111 1111</p>')).toBe(
      '<style>.n::after{color:red;content: none} .n{font-size:12px}</style><p class=n>4111 1111 1111</p>',
    );
  });

  it('reads any style in time linear in its length', () => {
    for (const css of ['p{' + '\\aaaaaa'.repeat(2000) + '}', '/*'.repeat(50_000), 'p{content:' + '"'.repeat(50_000), 'p{' + 'url('.repeat(20_000)]) {
      const started = performance.now();
      maskCardNumbersInHtml(`<p>0123456789012</p><style>${css}</style><p style="${css.replace(/"/g, '&quot;')}">x</p>`);
      // Generous for a shared machine: a backtracking reader took seconds at thirty escapes.
      expect(performance.now() - started, css.slice(0, 20)).toBeLessThan(2000);
    }
  });

  it('keeps CSS that writes digits where no card number can come of them, and images named by url()', () => {
    const shapes = [
      // A print style that writes links' addresses, in a mail whose attributes hold no long number.
      '<style>@media print{a[href]:after{content:" (" attr(href) ")"}} body{color:#333333;padding:10px 20px}</style><p><a href="https://toot.example/">TOOT</a> 電話 03-1234-5678</p>',
      // Numbers a form keeps are not a list's.
      '<form><input type=hidden name=order value="202612030001"><button value="20261203">送信</button></form><p>注文 20261203</p>',
      '<style>li::before{content:"1."} a{color:#123456}</style><p>電話 03-1234-5678 注文番号 20261203</p>',
      '<style>.logo::before{content:url(cid:logo-20261203-123456789)}</style><p>4111 1111 1111</p>',
      '<style>p::after{content:"→"}</style><p>4111 1111 1111</p>',
    ];
    for (const html of shapes) {
      expect(maskCardNumbersInHtml(html), html).toBe(html);
      expect(htmlContainsCardNumber(html), html).toBe(false);
    }
  });

  it('reads a mail with more attributes than a function call takes arguments', () => {
    const html = `<style>p::after{content:attr(data-n)}</style><p>4111 1111 1111</p>${'<b a=1>x</b>'.repeat(300_000)}`;
    expect(maskCardNumbersInHtml(html)).toContain('<style>p::after{content: none}</style>');
  });
});
