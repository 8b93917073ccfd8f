import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { startAppHost, type AppHost } from '../support/appHost';
import { startDovecot, type DovecotOptions, type DovecotServer } from '../support/dovecot';
import { startSmtpReceiver, type SmtpReceiverOptions, type SmtpReceiver } from '../support/smtpReceiver';

/** Everything an end-to-end spec drives: a real Dovecot and SMTP receiver, the app's loopback host on a fresh data directory, and a Japanese Chromium page. */
export interface World {
  host: AppHost;
  dovecot: DovecotServer;
  smtp: SmtpReceiver;
  dataDir: string;
  context: BrowserContext;
  page: Page;
  /** Script errors seen by the page (specs may add their own): a clean run has none. */
  problems: string[];
  /** Stops and removes all of it (also what was started when starting failed halfway). */
  stop(): Promise<void>;
}

export async function startWorld(
  browser: Browser,
  options: { name: string; dovecot?: DovecotOptions; smtp?: SmtpReceiverOptions },
): Promise<World> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    const dovecot = await startDovecot(options.dovecot);
    stops.push(() => dovecot.stop());
    const smtp = await startSmtpReceiver(options.smtp);
    stops.push(() => smtp.stop());
    const dataDir = mkdtempSync(join(tmpdir(), `madoguchi-e2e-${options.name}-`));
    stops.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const host = await startAppHost({ dataDir });
    stops.push(() => host.stop());
    const context = await browser.newContext({ acceptDownloads: true, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    stops.push(() => context.close());
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    return { host, dovecot, smtp, dataDir, context, page, problems, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
