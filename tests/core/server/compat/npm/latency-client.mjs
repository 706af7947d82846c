// For bench/compat: receives download progress of one model and prints, for each event, its
// key and the moment it arrived on CLOCK_MONOTONIC (process.hrtime; the bench stamps the
// publication on the same clock), one JSON line each. The first line says it is subscribed.
//
//   node latency-client.mjs MODE BASE_URL MODEL_ID COUNT
//   MODE: polling | websocket (socket.io-client, the original frontend's events)
//         native (a plain WebSocket on /ws, the native API's events)
import { io } from 'socket.io-client';
import WebSocket from 'ws';

const [mode, base, modelId, countText] = process.argv.slice(2);
const count = Number(countText);
let received = 0;
const stamp = (key) => {
  console.log(JSON.stringify({ key, ns: process.hrtime.bigint().toString() }));
  if (++received >= count) process.exit(0);
};
setTimeout(() => {
  console.log(JSON.stringify({ timeout: true, received }));
  process.exit(0);
}, 600000).unref();

if (mode === 'native') {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws`);
  ws.on('open', () => ws.send(JSON.stringify({ action: 'subscribe', channel: `model/${modelId}` })));
  ws.on('message', (text) => {
    const m = JSON.parse(text);
    if (m.event === 'subscribed') console.log(JSON.stringify({ ready: true }));
    if (m.event === 'download_progress') stamp(m.data.downloaded_bytes);
  });
} else {
  const socket = io(base, { path: '/ws/socket.io', transports: [mode], reconnection: false });
  socket.on('model:progress', (d) => {
    // The bench's progress is n/100 % for the n-th event: the key is n.
    if (d.type === 'progress' && d.status === 'downloading') stamp(Math.round(d.progress * 100));
  });
  socket.on('connect', async () => {
    await socket.emitWithAck('subscribe', { channel: `models/${modelId}/progress` });
    console.log(JSON.stringify({ ready: true, transport: socket.io.engine.transport.name }));
  });
}
