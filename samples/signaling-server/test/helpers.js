'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const { io } = require('socket.io-client');

/** Starts server.js on 127.0.0.1 and an ephemeral port; resolves when it logs "listening". */
function startServer(env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, '..', 'server.js')], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = [];
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line);
      lines.push(entry);
      if (entry.msg === 'listening') {
        resolve({
          port: entry.port,
          url: `http://127.0.0.1:${entry.port}`,
          lines,
          stop: () => new Promise((done) => { child.once('exit', (code) => done(code)); child.kill('SIGTERM'); }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** Connects a socket.io client registered as userId; resolves once connected. */
function connect(url, userId) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], query: { userId }, reconnection: false, forceNew: true });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Resolves with the first payload of `event` on socket. */
function next(socket, event) {
  return new Promise((resolve) => socket.once(event, resolve));
}

module.exports = { startServer, connect, next };
