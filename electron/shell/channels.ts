/**
 * The two IPC channels between the preload bridge and the shell. Shared by preload.ts and
 * ipcTransport.ts so that a renamed channel cannot leave one side listening to nothing.
 */
export const CALL_CHANNEL = 'madoguchi:call';
export const PUSH_CHANNEL = 'madoguchi:push';
