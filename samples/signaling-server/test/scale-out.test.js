'use strict';
// Scale-out through Redis (@socket.io/redis-adapter): two server instances sharing one redis-server on
// 127.0.0.1 relay to each other's users. Needs Debian's redis-server (eng/test.sh installs it); without it
// the test is skipped, except in CI where that counts as a failure.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const net = require('node:net');
const readline = require('node:readline');
const { startServer, connect, next } = require('./helpers');

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis && process.env.CI === 'true') {
  throw new Error('redis-server is not installed: the scale-out test cannot run in CI');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });
}

/** A throwaway redis-server on 127.0.0.1: no persistence, resolves once it accepts connections. */
async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => new Promise((done) => { child.once('exit', done); child.kill('SIGTERM'); }),
  };
}

let redis;
let one;
let two;
const sockets = [];
before(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  one = await startServer({ REDIS_URL: redis.url });
  two = await startServer({ REDIS_URL: redis.url });
});
after(async () => {
  for (const s of sockets) s.close();
  if (one) assert.equal(await one.stop(), 0);
  if (two) assert.equal(await two.stop(), 0);
  if (redis) await redis.stop();
});
async function user(server, id) {
  const s = await connect(server.url, id);
  sockets.push(s);
  return s;
}

test('each instance says it uses the redis adapter', { skip: !hasRedis && 'redis-server not installed' }, async () => {
  for (const server of [one, two]) {
    assert.equal(server.lines.find((l) => l.msg === 'listening').adapter, 'redis');
    const health = await (await fetch(`${server.url}/health`)).json();
    assert.equal(health.adapter, 'redis');
  }
});

test('relays all seven events both ways between users on different instances, in order', { skip: !hasRedis && 'redis-server not installed' }, async () => {
  const a = await user(one, 'redis-A');
  const b = await user(two, 'redis-B');
  const events = ['call', 'accept', 'reject', 'hangup', 'offer', 'answer', 'candidate'];
  for (const [from, to, fromId, toId] of [[a, b, 'redis-A', 'redis-B'], [b, a, 'redis-B', 'redis-A']]) {
    for (const event of events) {
      const payload = { targetUid: toId, userId: fromId, [event]: { text: `${event} from ${fromId}` } };
      const received = next(to, event);
      from.emit(event, payload);
      assert.deepEqual(await received, payload);
    }
  }
  // A burst keeps its order across instances (an offer is followed by its candidates).
  const got = [];
  const all = new Promise((resolve) => b.on('candidate', (p) => { got.push(p.candidate.n); if (got.length === 20) resolve(); }));
  for (let n = 0; n < 20; n++) a.emit('candidate', { targetUid: 'redis-B', userId: 'redis-A', candidate: { n } });
  await all;
  assert.deepEqual(got, [...Array(20).keys()]);
});

test('a user offline on every instance gets relay-error', { skip: !hasRedis && 'redis-server not installed' }, async () => {
  const a = await user(one, 'redis-lonely');
  const error = next(a, 'relay-error');
  a.emit('call', { targetUid: 'redis-nobody', userId: 'redis-lonely' });
  assert.deepEqual(await error, { targetUid: 'redis-nobody', event: 'call', reason: 'target offline' });
});

test('a new connection on another instance replaces the old one', { skip: !hasRedis && 'redis-server not installed' }, async () => {
  const first = await user(one, 'redis-dup');
  const dropped = next(first, 'disconnect');
  const second = await user(two, 'redis-dup');
  assert.equal(await dropped, 'io server disconnect');
  const sender = await user(one, 'redis-dup-sender');
  const received = next(second, 'hangup');
  sender.emit('hangup', { targetUid: 'redis-dup', userId: 'redis-dup-sender' });
  assert.equal((await received).userId, 'redis-dup-sender');
  assert.equal(second.connected, true);
});

test('start-up fails fast when Redis does not answer', async () => {
  const port = await freePort(); // nothing listens there
  await assert.rejects(
    startServer({ REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_CONNECT_TIMEOUT_MS: '1000' }),
    /server exited with 1/);
});
