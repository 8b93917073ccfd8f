import type { TestApp } from './testApp';

/** The Message-ID of every message stored in every inquiry, sorted ("(none)" for one without): what a sync stored, once or twice. */
export async function storedMessageIds(t: TestApp): Promise<string[]> {
  const ids: string[] = [];
  for (const inquiry of await t.call('inquiries.list', {})) {
    for (const message of (await t.call('inquiries.get', { id: inquiry.id })).messages) ids.push(message.messageId ?? '(none)');
  }
  return ids.sort();
}
