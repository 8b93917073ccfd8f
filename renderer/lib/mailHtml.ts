import DOMPurify, { type Config } from 'dompurify';
import { cssAsRead } from '../../shared/cssGeneratedText';

/**
 * Mail HTML is untrusted. It is shown only after three layers:
 *
 * 1. DOMPurify (on the real DOM) removes scripts, event handlers, forms, frames, objects,
 *    <base>, <meta> and <link>, and here also every way of loading something from elsewhere:
 *    image and background URLs, srcset, CSS url() and @import. Until staff choose "load remote
 *    content" for the message, any URL that is not data: (or a cid: of the mail's own inline
 *    images, replaced by a data: URL) is dropped and counted, so tracking pixels never fire.
 * 2. Links lose their href (kept as data-mg-href); the frame's owner asks for confirmation,
 *    showing the real address, before opening one outside the app.
 * 3. The result is shown in a sandboxed iframe without allow-scripts, whose own
 *    Content-Security-Policy (a <meta> in the document, on top of the app's inherited one)
 *    allows no scripts, no connections, and images only from data: unless remote content was
 *    allowed.
 */

export interface SanitizeOptions {
  /** Staff chose to load remote content (http/https images and CSS backgrounds) for this message. */
  allowRemote: boolean;
  /** Inline images of the mail: Content-ID (no brackets) → data: URL. */
  inlineImages: ReadonlyMap<string, string>;
}

export interface SanitizedMail {
  /** A whole HTML document for an iframe's srcdoc. */
  document: string;
  /** Remote references removed (0 when remote content was allowed). */
  blockedRemote: number;
  /** Links in the mail (each opens only after confirmation). */
  links: number;
}

export const LINK_ATTRIBUTE = 'data-mg-href';
const URL_ATTRIBUTES = ['src', 'srcset', 'background', 'poster', 'lowsrc', 'dynsrc', 'action', 'formaction', 'xlink:href', 'cite', 'longdesc', 'usemap'];

const FORBID_TAGS = ['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button', 'select', 'textarea', 'base', 'meta', 'link', 'audio', 'video', 'source', 'track', 'portal', 'noscript', 'template', 'svg', 'math'];

const isRemote = (url: string) => !/^\s*(data:image\/|cid:)/i.test(url);
const isRemoteAllowed = (url: string) => /^\s*https?:\/\//i.test(url);

function cidUrl(url: string, inline: ReadonlyMap<string, string>): string | null {
  const match = /^\s*cid:(.+)$/i.exec(url);
  if (!match?.[1]) return null;
  let id = match[1].trim().replace(/^<|>$/g, '');
  try {
    id = decodeURIComponent(id);
  } catch {
    // keep as written
  }
  return inline.get(id) ?? null;
}

/** Rewrites url(...) and @import in CSS text: remote ones dropped (counted) unless allowed; cid: made data:. */
function cleanCss(css: string, options: SanitizeOptions, count: () => void): string {
  const withoutImports = css.replace(/@import\b[^;]*;?/gi, () => {
    count();
    return '';
  });
  const cleaned = withoutImports.replace(/url\(\s*(['"]?)(.*?)\1\s*\)/gi, (_whole, _quote: string, url: string) => {
    const inline = cidUrl(url, options.inlineImages);
    if (inline) return `url("${inline}")`;
    if (/^\s*data:image\//i.test(url)) return `url("${url.replace(/"/g, '%22')}")`;
    if (options.allowRemote && isRemoteAllowed(url)) return `url("${url.replace(/"/g, '%22')}")`;
    count();
    return 'none';
  });
  // What is left names a remote file only where it is written so that the rewrite above missed it
  // (escaped, as u\72l( or @\69mport, or as a string in image-set()): the whole style goes.
  if (!options.allowRemote && namesRemoteFile(cleaned)) {
    count();
    return '';
  }
  return cleaned;
}

/** The CSS, as read, still loads a file other than an inline image: an @import, a url(), or an image-set()/image() string. */
function namesRemoteFile(css: string): boolean {
  const read = cssAsRead(css);
  if (/@import/i.test(read)) return true;
  if (/url\(\s*(?!['"]?\s*data:image\/)/i.test(read)) return true;
  for (const [, args = ''] of read.matchAll(/(?:image-set|image|cross-fade)\(([^)]*)\)/gi)) {
    for (const [, , target = ''] of args.matchAll(/(['"])(.*?)\1/g)) if (!/^\s*data:image\//i.test(target)) return true;
  }
  return false;
}

let purifier: ReturnType<typeof DOMPurify> | null = null;
let current: { options: SanitizeOptions; blocked: number; links: number } | null = null;

function getPurifier(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  const p = DOMPurify(window);
  p.addHook('uponSanitizeElement', (node, data) => {
    if (!current || data.tagName !== 'style') return;
    const state = current;
    node.textContent = cleanCss(node.textContent ?? '', state.options, () => state.blocked++);
  });
  p.addHook('afterSanitizeAttributes', (node) => {
    if (!current || !(node instanceof Element)) return;
    const state = current;
    const count = () => state.blocked++;
    for (const name of URL_ATTRIBUTES) {
      const value = node.getAttribute(name);
      if (value === null) continue;
      if (name === 'src' && node.tagName === 'IMG') {
        const inline = cidUrl(value, state.options.inlineImages);
        if (inline) node.setAttribute('src', inline);
        else if (isRemote(value) && !(state.options.allowRemote && isRemoteAllowed(value))) {
          node.removeAttribute('src');
          node.setAttribute('data-mg-blocked', '');
          count();
        }
        continue;
      }
      if ((name === 'srcset' || name === 'background') && state.options.allowRemote && value.split(',').every((part) => isRemoteAllowed(part.trim()))) continue;
      if (name !== 'srcset' && name !== 'background' && !isRemote(value)) continue;
      node.removeAttribute(name);
      if (name === 'src' || name === 'srcset' || name === 'background') count();
    }
    const style = node.getAttribute('style');
    if (style !== null && /url\(|@import|image|\\/i.test(style)) node.setAttribute('style', cleanCss(style, state.options, count));
    // Links never navigate by themselves: the frame's owner confirms and opens them.
    if (node.tagName === 'A' || node.tagName === 'AREA') {
      const href = node.getAttribute('href');
      node.removeAttribute('href');
      node.removeAttribute('target');
      node.removeAttribute('ping');
      if (href && !href.trim().startsWith('#')) {
        node.setAttribute(LINK_ATTRIBUTE, href.trim());
        node.setAttribute('title', href.trim());
        // Without its href a link leaves the tab order: put back, so it opens from the keyboard too (Enter).
        node.setAttribute('tabindex', '0');
        node.setAttribute('role', 'link');
        state.links++;
      }
    }
  });
  purifier = p;
  return p;
}

const CONFIG: Config = {
  FORBID_TAGS,
  FORBID_ATTR: ['srcdoc', 'ping', 'formaction', 'action', 'http-equiv'],
  ALLOW_DATA_ATTR: false,
  ADD_ATTR: [],
  // Keep <style> blocks at the top of a body fragment (Outlook and newsletters put them there).
  FORCE_BODY: true,
  ALLOW_UNKNOWN_PROTOCOLS: false,
};

/** The policy of the frame's own document (the app's policy applies too: both must allow a load). */
export function frameCsp(allowRemote: boolean): string {
  const images = allowRemote ? 'data: http: https:' : 'data:';
  return `default-src 'none'; img-src ${images}; style-src 'unsafe-inline'; font-src data:; script-src 'none'; form-action 'none'; base-uri 'none'`;
}

const FRAME_STYLE =
  'html,body{margin:0;padding:0;background:#fff;color:#111;}body{padding:12px;font-family:system-ui,"Noto Sans CJK JP",sans-serif;font-size:14px;line-height:1.6;word-break:break-word;overflow-wrap:anywhere;}' +
  `img{max-width:100%;height:auto;}img[data-mg-blocked]{display:inline-block;min-width:16px;min-height:16px;outline:1px dashed #bbb;}[${LINK_ATTRIBUTE}]{color:#0645ad;text-decoration:underline;cursor:pointer;}`;

export function sanitizeMailHtml(html: string, options: SanitizeOptions): SanitizedMail {
  current = { options, blocked: 0, links: 0 };
  try {
    const body = getPurifier().sanitize(html, { ...CONFIG, RETURN_TRUSTED_TYPE: false }) as string;
    const document =
      '<!doctype html><html><head><meta charset="utf-8">' +
      `<meta http-equiv="Content-Security-Policy" content="${frameCsp(options.allowRemote)}">` +
      '<meta name="referrer" content="no-referrer">' +
      `<style>${FRAME_STYLE}</style></head><body>${body}</body></html>`;
    return { document, blockedRemote: current.blocked, links: current.links };
  } finally {
    current = null;
  }
}

/** Links staff may open outside the app after confirming; anything else (javascript:, file:, data:) never. */
export function isOpenableLink(url: string): boolean {
  return /^(https?:\/\/|mailto:)/i.test(url.trim());
}
