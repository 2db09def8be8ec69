#!/usr/bin/env node
// A small, independent single-decree Paxos in plain JavaScript (no dependencies, nothing from
// Synod), instrumented to log its run in Synod's trace format (docs/trace-format.md). It is the
// kind of implementation the tutorial (docs/tutorial-trace-check.md) teaches you to check.
//
// Two proposers (p1, p2) race to set a value through three acceptors (a1, a2, a3) over a network
// that delivers messages in random order, loses some and duplicates some. A seeded random
// generator makes every run replayable. Acceptors write their promise and vote to "disk" (a
// persist line) before they answer; proposers retry with a higher round on a timeout.
//
//   node docs/examples/paxos.js [--seed N] [--bug ignore-promises|accept-any]  > run.jsonl
//
// --bug ignore-promises: a proposer proposes its own value even when a promise reports a vote
//                        (it skips the heart of Paxos: phase 2a must use the highest vote).
// --bug accept-any:      an acceptor votes for any accept, even below a ballot it promised.

'use strict';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const seed = Number(flag('--seed', '1'));
const bug = flag('--bug', 'none');

// Mulberry32: a tiny seeded PRNG, so a seed replays the same run.
let rng = seed >>> 0;
function random() {
  rng = (rng + 0x6d2b79f5) >>> 0;
  let t = rng;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

// --- the log: one JSON object per line ---------------------------------------------------
const ACCEPTORS = ['a1', 'a2', 'a3'];
const PROPOSERS = ['p1', 'p2'];
const MAJORITY = 2;
function log(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}
log({
  format: 'synod.trace', version: 1,
  cluster: { acceptors: ACCEPTORS, proposers: PROPOSERS, quorums: 'majority' },
  provenance: { implementation: 'docs/examples/paxos.js', seed, bug },
});

// Ballots are (round, proposer) pairs, compared round first; logged as [round, "p1"].
const before = (x, y) => x[0] < y[0] || (x[0] === y[0] && PROPOSERS.indexOf(x[1]) < PROPOSERS.indexOf(y[1]));
const NONE = [-1, 'p1'];
const logBallot = (b) => (b[0] < 0 ? -1 : b);

// --- the network ---------------------------------------------------------------------------
const inflight = [];
function send(from, to, msg) {
  log({ ev: 'send', node: from, msg: wire(msg), to });
  for (const node of Array.isArray(to) ? to : [to]) {
    if (random() < 0.1) continue; // lost
    inflight.push({ node, msg });
    if (random() < 0.05) inflight.push({ node, msg }); // duplicated
  }
}
function wire(msg) {
  const out = { ...msg };
  for (const k of ['bal', 'mbal']) if (k in out) out[k] = logBallot(out[k]);
  return out;
}

// --- acceptors: promise and vote, on disk ------------------------------------------------------
const acceptors = Object.fromEntries(ACCEPTORS.map((a) => [a, { promised: NONE, votedBal: NONE, votedVal: null }]));
function persist(a) {
  const s = acceptors[a];
  log({ ev: 'persist', node: a, maxBal: logBallot(s.promised), maxVBal: logBallot(s.votedBal), maxVal: s.votedVal });
}
function onAcceptor(a, msg) {
  const s = acceptors[a];
  if (msg.type === 'prepare' && before(s.promised, msg.bal)) {
    s.promised = msg.bal;
    persist(a);
    send(a, msg.from, { type: 'promise', acc: a, bal: msg.bal, mbal: s.votedBal, mval: s.votedVal });
  } else if (msg.type === 'accept' && (bug === 'accept-any' || !before(msg.bal, s.promised))) {
    s.promised = before(s.promised, msg.bal) ? msg.bal : s.promised;
    s.votedBal = msg.bal;
    s.votedVal = msg.val;
    if (bug !== 'accept-any') s.promised = msg.bal;
    persist(a);
    send(a, [...PROPOSERS], { type: 'accepted', acc: a, bal: msg.bal, val: msg.val });
  }
}

// --- proposers (also the learners) -----------------------------------------------------------
const proposers = Object.fromEntries(PROPOSERS.map((p, i) => [p, {
  round: 0, bal: NONE, value: `value-of-${p}`, promises: new Map(), phase: 'idle', timer: 5 + 3 * i,
  votes: new Map(), learned: null,
}]));
function start(p) {
  const s = proposers[p];
  s.round += 1;
  s.bal = [s.round, p];
  s.promises = new Map();
  s.phase = 'prepare';
  s.timer = 40 + Math.floor(random() * 40);
  send(p, [...ACCEPTORS], { type: 'prepare', bal: s.bal, from: p });
}
function onProposer(p, msg) {
  const s = proposers[p];
  if (msg.type === 'promise' && s.phase === 'prepare' && msg.bal[0] === s.bal[0] && msg.bal[1] === s.bal[1]) {
    s.promises.set(msg.acc, msg);
    if (s.promises.size < MAJORITY) return;
    // Phase 2a: the value of the highest-ballot vote reported, or our own if none.
    let best = null;
    for (const m of s.promises.values()) if (m.mval !== null && (best === null || before(best.mbal, m.mbal))) best = m;
    const val = best === null || bug === 'ignore-promises' ? s.value : best.mval;
    s.phase = 'accept';
    send(p, [...ACCEPTORS], { type: 'accept', bal: s.bal, val });
  } else if (msg.type === 'accepted') {
    const key = JSON.stringify([msg.bal, msg.val]);
    const voters = s.votes.get(key) ?? new Set();
    voters.add(msg.acc);
    s.votes.set(key, voters);
    if (voters.size >= MAJORITY && s.learned === null) {
      s.learned = msg.val;
      log({ ev: 'learn', node: p, val: msg.val });
    }
  }
  if (msg.bal !== undefined && before(s.bal, msg.bal)) s.round = Math.max(s.round, msg.bal[0]);
}

// --- the run ---------------------------------------------------------------------------------
for (let t = 0; t < 400; t++) {
  for (const p of PROPOSERS) {
    const s = proposers[p];
    if (s.learned === null && --s.timer <= 0) start(p);
  }
  if (inflight.length === 0) continue;
  const { node, msg } = inflight.splice(Math.floor(random() * inflight.length), 1)[0];
  log({ ev: 'recv', node, msg: wire(msg) });
  if (ACCEPTORS.includes(node)) onAcceptor(node, msg);
  else onProposer(node, msg);
}
