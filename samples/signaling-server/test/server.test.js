'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, connect, next } = require('./helpers');

let server;
const sockets = [];
before(async () => { server = await startServer(); });
after(async () => {
  for (const s of sockets) s.close();
  await server.stop();
});
async function user(id) {
  const s = await connect(server.url, id);
  sockets.push(s);
  return s;
}

test('relays each of the seven events to the target', async () => {
  const a = await user('relay-A');
  const b = await user('relay-B');
  const events = ['call', 'accept', 'reject', 'hangup', 'offer', 'answer', 'candidate'];
  for (const event of events) {
    const payload = { targetUid: 'relay-B', userId: 'relay-A', [event]: { text: 'é "q" \r\n' + event } };
    const received = next(b, event);
    a.emit(event, payload);
    assert.deepEqual(await received, payload);
  }
});

test('answers relay-error when the target is offline', async () => {
  const a = await user('offline-A');
  const error = next(a, 'relay-error');
  a.emit('offer', { targetUid: 'nobody', userId: 'offline-A', offer: { type: 'offer', sdp: 'v=0' } });
  assert.deepEqual(await error, { targetUid: 'nobody', event: 'offer', reason: 'target offline' });
});

test('refuses a payload whose userId is not the connection\'s', async () => {
  const mallory = await user('spoof-M');
  const victim = await user('spoof-V');
  let spoofed = false;
  victim.on('call', (p) => { if (p.userId === 'spoof-X') spoofed = true; });
  const error = next(mallory, 'relay-error');
  mallory.emit('call', { targetUid: 'spoof-V', userId: 'spoof-X' });
  const e = await error;
  assert.equal(e.reason, 'userId does not match the connection');
  assert.equal(e.event, 'call');
  // A legitimate message sent afterwards is the first one the victim sees.
  const legit = next(victim, 'call');
  mallory.emit('call', { targetUid: 'spoof-V', userId: 'spoof-M' });
  assert.equal((await legit).userId, 'spoof-M');
  assert.equal(spoofed, false);
});

test('a new connection for a user id replaces the old one', async () => {
  const first = await user('dup-U');
  const dropped = next(first, 'disconnect');
  const second = await user('dup-U');
  assert.equal(await dropped, 'io server disconnect');
  const sender = await user('dup-S');
  const received = next(second, 'hangup');
  sender.emit('hangup', { targetUid: 'dup-U', userId: 'dup-S' });
  assert.equal((await received).userId, 'dup-S');
  assert.equal(second.connected, true);
});

test('refuses oversized and malformed payloads without crashing', async () => {
  const a = await user('big-A');
  await user('big-B');
  let error = next(a, 'relay-error');
  a.emit('offer', { targetUid: 'big-B', userId: 'big-A', offer: { type: 'offer', sdp: 'x'.repeat(300 * 1024) } });
  assert.match((await error).reason, /payload too large/);

  error = next(a, 'relay-error');
  a.emit('offer', 'not an object');
  assert.equal((await error).reason, 'payload must be a JSON object');

  error = next(a, 'relay-error');
  a.emit('call', { userId: 'big-A' });
  assert.equal((await error).reason, 'missing targetUid');

  error = next(a, 'relay-error');
  a.emit('call');
  assert.equal((await error).reason, 'payload must be a JSON object');

  // Still alive and relaying.
  const res = await fetch(`${server.url}/health`);
  assert.equal(res.status, 200);
});

test('health answers 200 JSON and public/ is served', async () => {
  const res = await fetch(`${server.url}/health`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /application\/json/);
  assert.equal((await res.json()).status, 'ok');
  const page = await fetch(`${server.url}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<html/);
  const escape = await fetch(`${server.url}/..%2fserver.js`);
  assert.equal(escape.status, 404);
});

test('refuses a connection without a user id', async () => {
  await assert.rejects(connect(server.url, ''), /userId is required/);
});
