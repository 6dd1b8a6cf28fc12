// The seed's call, as written in the tutorial (initCallerInfo, initCalleeInfo, onPcEvent, onRemoteOffer,
// onRemoteAnswer, getLocalUserMedia, setDomVideoStream, setRemoteDomVideoStream), plus call / accept /
// reject / hangup and a chat box. User id and peer come from the URL: ?userId=B, ?userId=A&peer=B
// (&autoAccept=1 answers incoming calls, &autoCall=1 calls the peer on load: for tests and demos).
/* global io */
"use strict";

const params = new URLSearchParams(location.search);
const PeerConnection = window.RTCPeerConnection;
const getParams = name => params.get(name);

class SeedCall {
  constructor(userId) {
    this.userId = userId;
    this.peerId = null;
    this.localRtcPc = null;
    this.channel = null;
    this.localStream = null;
    this.remoteStream = new MediaStream();
    this.pendingCandidates = [];
    this.stats = { chatSent: 0, chatReceived: 0, pings: 0 };
    this.linkSocket = io({ query: { userId } });
    this.linkSocket.on("call", m => this.onCall(m));
    this.linkSocket.on("accept", m => this.onAccept(m));
    this.linkSocket.on("reject", m => this.end(`rejected (${m.reason || "rejected"})`));
    this.linkSocket.on("hangup", () => this.end("remote hangup"));
    this.linkSocket.on("offer", m => this.onRemoteOffer(m.userId, m.offer));
    this.linkSocket.on("answer", m => this.onRemoteAnswer(m.userId, m.answer));
    this.linkSocket.on("candidate", m => this.onRemoteCandidate(m.candidate));
    this.linkSocket.on("relay-error", m => this.end(`relay error: ${m.reason} (${m.event} to ${m.targetUid})`));
  }

  // ---- the seed's code ----
  async initCallerInfo(callerId, calleeId) {
    this.localRtcPc = new PeerConnection();
    const localStream = await this.getLocalUserMedia({ audio: true, video: true });
    for (const track of localStream.getTracks()) {
      this.localRtcPc.addTrack(track);
    }
    await this.setDomVideoStream("localdemo01", localStream);
    this.onPcEvent(this.localRtcPc, callerId, calleeId);
    const offer = await this.localRtcPc.createOffer();
    await this.localRtcPc.setLocalDescription(offer);
    const params = { targetUid: calleeId, userId: callerId, offer };
    this.linkSocket.emit("offer", params);
  }

  onPcEvent(pc, localUid, remoteUid) {
    const that = this;
    this.channel = pc.createDataChannel("chat");
    this.wireChannel(this.channel);
    pc.ontrack = function (event) {
      that.setRemoteDomVideoStream("remoteVideo01", event.track);
    };
    pc.onnegotiationneeded = function (e) {
      log("renegotiation needed");
    };
    pc.ondatachannel = function (ev) {
      log("Data channel is created!");
      that.wireChannel(ev.channel);
    };
    pc.onicecandidate = event => {
      if (event.candidate) {
        that.linkSocket.emit("candidate", { targetUid: remoteUid, userId: localUid, candidate: event.candidate });
      } else {
        log("no more candidates in this negotiation");
      }
    };
    pc.onconnectionstatechange = () => setState(pc.connectionState);
  }

  async onRemoteAnswer(fromUid, answer) {
    await this.localRtcPc.setRemoteDescription(answer);
    await this.flushCandidates();
  }

  async initCalleeInfo(localUid, fromUid) {
    this.localRtcPc = new PeerConnection();
    const localStream = await this.getLocalUserMedia({ audio: true, video: true });
    for (const track of localStream.getTracks()) {
      this.localRtcPc.addTrack(track);
    }
    await this.setDomVideoStream("localdemo01", localStream);
    this.onPcEvent(this.localRtcPc, localUid, fromUid);
  }

  async onRemoteOffer(fromUid, offer) {
    this.localRtcPc.setRemoteDescription(offer).then(() => this.flushCandidates());
    const answer = await this.localRtcPc.createAnswer();
    await this.localRtcPc.setLocalDescription(answer);
    const params = { targetUid: fromUid, userId: getParams("userId"), answer };
    this.linkSocket.emit("answer", params);
  }

  async getLocalUserMedia(constraints) {
    this.localStream = await navigator.mediaDevices.getUserMedia(constraints);
    return this.localStream;
  }

  async setDomVideoStream(domId, stream) {
    document.getElementById(domId).srcObject = stream;
  }

  setRemoteDomVideoStream(domId, track) {
    this.remoteStream.addTrack(track);
    const video = document.getElementById(domId);
    if (video.srcObject !== this.remoteStream) {
      video.srcObject = this.remoteStream;
    }
  }

  // ---- call control around it ----
  async call(peerId) {
    this.peerId = peerId;
    setState("calling");
    this.linkSocket.emit("call", { targetUid: peerId, userId: this.userId });
  }

  onCall(m) {
    if (this.peerId && this.peerId !== m.userId) {
      this.linkSocket.emit("reject", { targetUid: m.userId, userId: this.userId, reason: "busy" });
      return;
    }
    this.peerId = m.userId;
    setState("ringing");
    if (getParams("autoAccept")) {
      this.accept();
    }
  }

  async accept() {
    await this.initCalleeInfo(this.userId, this.peerId);
    setState("connecting");
    this.linkSocket.emit("accept", { targetUid: this.peerId, userId: this.userId });
  }

  reject() {
    this.linkSocket.emit("reject", { targetUid: this.peerId, userId: this.userId, reason: "rejected" });
    this.end("rejected by me");
  }

  async onAccept(m) {
    setState("connecting");
    await this.initCallerInfo(this.userId, m.userId);
  }

  async onRemoteCandidate(candidate) {
    if (!this.localRtcPc || !this.localRtcPc.remoteDescription) {
      this.pendingCandidates.push(candidate);
      return;
    }
    await this.localRtcPc.addIceCandidate(candidate);
  }

  async flushCandidates() {
    for (const c of this.pendingCandidates.splice(0)) {
      await this.localRtcPc.addIceCandidate(c);
    }
  }

  hangup() {
    if (this.peerId) {
      this.linkSocket.emit("hangup", { targetUid: this.peerId, userId: this.userId });
    }
    this.end("hung up");
  }

  end(reason) {
    log(`call ended: ${reason}`);
    if (this.localRtcPc) { this.localRtcPc.close(); }
    if (this.localStream) { this.localStream.getTracks().forEach(t => t.stop()); }
    this.localRtcPc = null;
    this.peerId = null;
    this.endReason = reason;
    setState("ended");
  }

  // Chat, and the ping/pong check the .NET sample does: "ping:<n>" is answered "pong:<n>" on the same channel.
  wireChannel(channel) {
    channel.onmessage = e => {
      const text = typeof e.data === "string" ? e.data : `[${e.data.byteLength ?? e.data.size} bytes]`;
      if (text.startsWith("ping:")) {
        this.stats.pings++;
        channel.send("pong:" + text.slice(5));
        return;
      }
      this.stats.chatReceived++;
      chat(`${this.peerId}: ${text}`);
    };
  }

  send(text) {
    if (this.channel && this.channel.readyState === "open") {
      this.channel.send(text);
      this.stats.chatSent++;
      chat(`me: ${text}`);
    }
  }

  // ---- optional diagnostics (audio-probe.js), not part of the seed's call ----
  // Decoded PCM of the remote audio track: { method, frames, sampleRate, rms, peak, dominantHz }.
  measureRemoteAudio(ms = 1000, method = undefined) {
    const track = this.remoteStream.getAudioTracks().filter(t => t.readyState === "live").pop();
    return measureAudioTrack(track, ms, method);
  }

  // inbound-rtp audio of the current call: packetsReceived, totalSamplesReceived, concealedSamples, ...
  remoteAudioStats() {
    return inboundAudioStats(this.localRtcPc);
  }
}

function log(text) {
  const el = document.getElementById("log");
  el.textContent += text + "\n";
  el.scrollTop = el.scrollHeight;
}

function chat(text) {
  const el = document.getElementById("chat");
  el.textContent += text + "\n";
}

function setState(state) {
  document.getElementById("state").textContent = state;
  document.getElementById("accept").disabled = state !== "ringing";
  document.getElementById("reject").disabled = state !== "ringing";
  document.getElementById("hangup").disabled = state === "idle" || state === "ended";
  log(`state: ${state}`);
}

const userId = getParams("userId") || "browser-" + Math.random().toString(36).slice(2, 8);
document.getElementById("me").textContent = userId;
document.getElementById("peer").value = getParams("peer") || "";
const seed = new SeedCall(userId);
window.seed = seed;
document.getElementById("call").onclick = () => seed.call(document.getElementById("peer").value);
document.getElementById("accept").onclick = () => seed.accept();
document.getElementById("reject").onclick = () => seed.reject();
document.getElementById("hangup").onclick = () => seed.hangup();
document.getElementById("send").onclick = () => {
  const input = document.getElementById("message");
  seed.send(input.value);
  input.value = "";
};
if (getParams("autoCall") && getParams("peer")) {
  seed.linkSocket.on("connect", () => seed.call(getParams("peer")));
}
