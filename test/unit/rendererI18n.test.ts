import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/i18n/en';
import { ja } from '../../renderer/i18n/ja';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('renderer translations', () => {
  const jaKeys = flatten(ja);
  const enKeys = flatten(en);

  it('English has exactly the keys Japanese has', () => {
    expect([...enKeys.keys()].sort()).toEqual([...jaKeys.keys()].sort());
  });

  it('no translation is empty', () => {
    for (const [key, text] of [...jaKeys, ...enKeys]) expect(text.trim(), key).not.toBe('');
  });

  it('both languages fill in the same values ({{name}}) for every message', () => {
    for (const [key, text] of jaKeys) expect(placeholders(enKeys.get(key) ?? ''), key).toEqual(placeholders(text));
  });
});
