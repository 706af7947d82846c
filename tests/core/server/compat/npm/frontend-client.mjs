// Does what the original miStudio frontend's Models panel does, with its own npm client
// (socket.io-client, at the version the frontend pins) and fetch: connect to /ws/socket.io
// (polling first, then the WebSocket upgrade, unless told otherwise), POST /models/download,
// subscribe to models/<id>/progress, listen for model:progress, model:completed and
// model:error, and read the model back. Optionally cancels the download once it runs.
// Every step is printed as one JSON line on stdout (t: milliseconds since the start).
//
//   node frontend-client.mjs BASE_URL API_PREFIX TRANSPORTS REPO QUANTIZATION [cancel]
//   e.g. http://127.0.0.1:8765 /compat/api/v1 polling,websocket org/tiny-gpt2 FP16
import { io } from 'socket.io-client';

const [base, api, transportList, repo, quantization, action] = process.argv.slice(2);
const transports = transportList.split(',');
const started = performance.now();
const print = (kind, fields) =>
  console.log(JSON.stringify({ t: Math.round((performance.now() - started) * 10) / 10, kind, ...fields }));
const fail = (why) => {
  print('fail', { why });
  process.exit(2);
};
setTimeout(() => fail('timeout'), 60000).unref();

const socket = io(base, { path: '/ws/socket.io', transports, reconnection: false });
const transport = () => socket.io.engine?.transport?.name;
socket.on('connect_error', (e) => fail(`connect_error: ${e.message}`));
socket.on('disconnect', (reason) => print('disconnect', { reason }));
socket.io.engine.on('upgrade', (t) => print('upgrade', { transport: t.name }));
await new Promise((resolve) => socket.once('connect', resolve));
print('connect', { id: socket.id, transport: transport() });

const headers = { 'Content-Type': 'application/json' };
const reply = await fetch(`${base}${api}/models/download`, {
  method: 'POST',
  headers,
  body: JSON.stringify({ repo_id: repo, quantization, trust_remote_code: false }),
});
const model = await reply.json();
print('http', { method: 'POST', path: '/models/download', status: reply.status, body: model });
if (reply.status !== 202) fail(`download answered ${reply.status}`);

let cancelled = false;
let cancelAnswer = Promise.resolve(); // the cancel's HTTP answer, awaited before reading the model
const ended = new Promise((resolve) => {
  const listen = (name) =>
    socket.on(name, (data) => {
      print('event', { event: name, transport: transport(), data });
      if (name === 'model:progress' && action === 'cancel' && !cancelled && data.progress > 0) {
        cancelled = true;
        // The answer may come after the event that the download ended: both wait for the stop.
        cancelAnswer = fetch(`${base}${api}/models/${model.id}/cancel`, { method: 'DELETE' })
          .then(async (r) => print('http', { method: 'DELETE', path: '/cancel', status: r.status, body: await r.json() }));
      }
      if (name === 'model:completed' || name === 'model:error') resolve(name);
    });
  ['model:progress', 'model:completed', 'model:error', 'subscribed'].forEach(listen);
});
const ack = await socket.timeout(10000).emitWithAck('subscribe', { channel: `models/${model.id}/progress` });
print('ack', { ack });
const last = await ended;
await cancelAnswer;

const after = await fetch(`${base}${api}/models/${model.id}`);
print('http', { method: 'GET', path: '/models/{id}', status: after.status, body: await after.json() });
const finalTransport = transport();
socket.off('disconnect');
socket.disconnect();
print('done', { last, transport: finalTransport });
process.exit(0);
