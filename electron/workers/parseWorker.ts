/**
 * The parse worker that ParsePool (electron/sync/parsePool.ts) starts: reads mails off the main
 * thread, so that during a large import one core parses while the main thread fetches and stores.
 */
import { parentPort } from 'node:worker_threads';
import { answerParseRequests, PARSE_WORKER_READY, type ParseRequests } from './parseRequest';

parentPort?.on('message', (requests: ParseRequests) => void answerParseRequests(requests, (replies, transfer) => parentPort?.postMessage(replies, transfer)));
parentPort?.postMessage(PARSE_WORKER_READY);
