'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, connect, next } = require('./helpers');
const { io } = require('socket.io-client');

test('SIGTERM closes connections, logs "stopped" and exits 0', async () => {
  const server = await startServer();
  const socket = await connect(server.url, 'bye-A');
  const dropped = next(socket, 'disconnect');
  const code = await server.stop();
  assert.equal(code, 0);
  assert.ok(await dropped);
  assert.ok(server.lines.some((l) => l.msg === 'stopped'));
  socket.close();
});

test('the user id query parameter name is configurable', async () => {
  const server = await startServer({ USER_ID_QUERY: 'uid' });
  try {
    const socket = await new Promise((resolve, reject) => {
      const s = io(server.url, { transports: ['websocket'], query: { uid: 'q-A' }, reconnection: false, forceNew: true });
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
    const error = next(socket, 'relay-error');
    socket.emit('call', { targetUid: 'nobody', userId: 'q-A' });
    assert.equal((await error).reason, 'target offline');
    socket.close();
    await assert.rejects(connect(server.url, 'q-B'), /uid is required/);
  } finally {
    await server.stop();
  }
});
