import type { ResponseTimeRow } from '../../shared/domain';
import { toCsv } from '../../shared/csv';
import { endOfTokyoDay, startOfTokyoDay } from '../../shared/tokyoTime';
import { AppError } from '../../shared/result';
import type { Workspace } from '../app/workspace';
import { listForResponseTimes } from '../inquiries/inquiryRepository';
import { responseTimeRows } from './responseTimes';
import { userMessage } from '../../shared/userMessages';

/** Inquiries received from the start of `from` to the end of `to`, both Tokyo calendar days. */
export async function responseTimeReport(ws: Workspace, from: string, to: string): Promise<ResponseTimeRow[]> {
  if (from > to) throw new AppError('BAD_REQUEST', userMessage('reportDatesSwapped'));
  return responseTimeRows(await listForResponseTimes(ws.db, startOfTokyoDay(from), endOfTokyoDay(to)));
}

/** Each channel as the headers are written: Japanese for the managers' spreadsheet, the key in brackets. */
const CHANNEL_LABELS: Record<ResponseTimeRow['channel'], string> = {
  email: 'メール (email)',
  phone: '電話 (phone)',
  post: '郵便 (post)',
  fax: 'FAX (fax)',
  all: '合計 (all)',
};

export function responseTimeCsv(from: string, to: string, rows: readonly ResponseTimeRow[]): { filename: string; csv: string } {
  const csv = toCsv(
    ['期間開始 (from, JST)', '期間終了 (to, JST)', 'チャネル (channel)', '受付件数 (received)', '回答済 (answered)', '初回回答 中央値 分 (median minutes)', '初回回答 90パーセンタイル 分 (p90 minutes)'],
    rows.map((r) => [from, to, CHANNEL_LABELS[r.channel], r.received, r.answered, r.medianMinutes, r.p90Minutes]),
  );
  return { filename: `madoguchi-response-times-${from}-${to}.csv`, csv };
}
