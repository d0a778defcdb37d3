// An emulator in its own process, so the client's memory figures are the client's alone.
// The parent talks over IPC: { id, type: 'count', action, code } → { id, count }; disconnect ends it.
import { startEmulator } from '../../packages/emulator/dist/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const emulator = await startEmulator({ runtime: 'process', schedulingMs: 0, pendingMs: 0, ...options });
process.on('message', (message) => {
  if (message.type === 'count') process.send({ id: message.id, count: emulator.calls.count(message.action, message.code) });
  if (message.type === 'groups') process.send({ id: message.id, count: emulator.containerGroupIds().length });
});
process.on('disconnect', () => {
  emulator.close().then(() => process.exit(0));
});
process.send({ ready: true, endpoint: emulator.endpoint, regionId: emulator.regionId, credentials: emulator.credentials });
