/**
 * Fault injection for ParsePool's tests: the real parse worker, except that a mail carrying the
 * header "X-Test-Crash-Parser" stops the worker thread the way a crash inside the parser would,
 * and one carrying "X-Test-Hang-Parser" keeps it busy for ever, as a parser going round in circles.
 */
import { parentPort } from 'node:worker_threads';
import { answerParseRequests, PARSE_WORKER_READY, type ParseRequests } from '../../../electron/workers/parseRequest';

parentPort?.on('message', (requests: ParseRequests) => {
  for (const request of requests) {
    const raw = Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength);
    if (raw.includes('X-Test-Crash-Parser')) process.exit(70);
    if (raw.includes('X-Test-Hang-Parser')) for (;;);
  }
  void answerParseRequests(requests, (replies, transfer) => parentPort?.postMessage(replies, transfer));
});
parentPort?.postMessage(PARSE_WORKER_READY);
