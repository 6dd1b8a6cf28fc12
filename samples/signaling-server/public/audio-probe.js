// Optional diagnostics, not part of the seed's call: proves that this browser DECODES the audio it receives,
// not only that RTP arrives. getStats alone cannot show it everywhere: Chromium's jitter buffer is pulled
// only by a consumer of the track (a playing <audio>/<video> element, Web Audio, a track processor), so a
// bare RTCPeerConnection in a headless browser reports totalSamplesReceived 0 and no audio energy.
//
// measureAudioTrack(track, ms, method?) reads the track's decoded PCM for `ms` milliseconds through
// MediaStreamTrackProcessor (Insertable Streams: one AudioData frame per 10 ms of decoder output), or through
// Web Audio (AudioContext + AnalyserNode) where that is missing, and answers
//   { method, frames, sampleRate, rms, peak, dominantHz }
// with rms/peak of the samples in [-1, 1] and the strongest frequency between 50 and 4000 Hz of the last
// 200 ms (Goertzel, 2 Hz steps). inboundAudioStats(pc) answers the W3C webrtc-stats inbound-rtp audio fields.
/* exported measureAudioTrack, inboundAudioStats */
"use strict";

function dominantFrequency(samples, sampleRate) {
  const n = Math.min(samples.length, Math.round(sampleRate / 5));
  const x = samples.subarray(samples.length - n);
  let best = 0;
  let bestPower = -1;
  for (let f = 50; f <= 4000; f += 2) {
    const coeff = 2 * Math.cos(2 * Math.PI * f / sampleRate);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const s0 = x[i] + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    if (power > bestPower) {
      bestPower = power;
      best = f;
    }
  }
  return best;
}

function summarize(method, frames, sampleRate, chunks) {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  let sum = 0;
  let peak = 0;
  for (const v of all) {
    sum += v * v;
    peak = Math.max(peak, Math.abs(v));
  }
  const rms = total ? Math.sqrt(sum / total) : 0;
  return { method, frames, sampleRate, samples: total, rms, peak, dominantHz: total ? dominantFrequency(all, sampleRate) : 0 };
}

async function measureWithProcessor(track, ms) {
  const clone = track.clone();
  const reader = new MediaStreamTrackProcessor({ track: clone }).readable.getReader();
  const chunks = [];
  let frames = 0;
  let sampleRate = 48000;
  const timeout = new Promise(resolve => setTimeout(() => resolve({ done: true }), ms));
  const end = performance.now() + ms;
  try {
    while (performance.now() < end) {
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done) { break; }
      frames++;
      sampleRate = value.sampleRate;
      const channel = new Float32Array(value.numberOfFrames);
      value.copyTo(channel, { planeIndex: 0, format: "f32-planar" });
      value.close();
      chunks.push(channel);
    }
  } finally {
    reader.cancel().catch(() => {});
    clone.stop();
  }
  return summarize("MediaStreamTrackProcessor", frames, sampleRate, chunks);
}

async function measureWithWebAudio(track, ms) {
  const context = new AudioContext();
  await context.resume();
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048;
  context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
  const chunks = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // fftSize samples at 48 kHz last ~43 ms: sampling every 40 ms sees each sample at least once.
    await new Promise(resolve => setTimeout(resolve, 40));
    const block = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(block);
    chunks.push(block);
  }
  const result = summarize("AudioContext", chunks.length, context.sampleRate, chunks);
  // The concatenated blocks overlap, so their frequency is not meaningful: take the last block's alone.
  result.dominantHz = chunks.length ? dominantFrequency(chunks[chunks.length - 1], context.sampleRate) : 0;
  await context.close();
  return result;
}

// method: "processor" or "webaudio" forces one way; by default the track processor where it exists.
async function measureAudioTrack(track, ms = 1000, method = undefined) {
  if (!track || track.kind !== "audio") {
    throw new Error("measureAudioTrack needs an audio track");
  }
  const useProcessor = method ? method === "processor" : typeof MediaStreamTrackProcessor === "function";
  return useProcessor ? measureWithProcessor(track, ms) : measureWithWebAudio(track, ms);
}

async function inboundAudioStats(pc) {
  const result = { packetsReceived: 0, totalSamplesReceived: 0, concealedSamples: 0, totalAudioEnergy: 0, totalSamplesDuration: 0, audioLevel: 0 };
  (await pc.getStats()).forEach(s => {
    if (s.type === "inbound-rtp" && s.kind === "audio") {
      for (const key of Object.keys(result)) {
        result[key] += s[key] || 0;
      }
    }
  });
  return result;
}
