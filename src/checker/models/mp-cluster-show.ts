/**
 * Multi-Paxos messages in words, for the counterexamples of the cluster model (mp-cluster.ts):
 * ballots as round.server, values by entry id, the spec's message names.
 */
import { showBallot, type Msg } from '../../multipaxos/index.js';

export function describeMsg(m: Msg): string {
  switch (m.type) {
    case '1a': return `1a(${showBallot(m.bal)}, slots ${m.from} on)`;
    case '1b': {
      const votes = m.votes.map((v) => `${v.slot}:${showBallot(v.bal)}/${v.val.id}`).join(' ');
      return `1b(s${m.acc + 1}, ${showBallot(m.bal)}, votes ${votes || '-'})`;
    }
    case '2a': return `2a(${showBallot(m.bal)}, slot ${m.slot}, ${m.val.id}, commit ${m.commit})`;
    case '2b': return `2b(s${m.acc + 1}, ${showBallot(m.bal)}, slot ${m.slot}, ${m.val.id})`;
    case 'commit': return `commit(${showBallot(m.bal)}, below ${m.upTo})`;
    case 'reject': {
      return `reject(s${m.acc + 1}, ${showBallot(m.bal)} < ${showBallot(m.maxBal)})`;
    }
    case 'catchup': return `catchup(s${m.from + 1}, from slot ${m.slot})`;
    case 'entries': return `entries(s${m.from + 1}, slot ${m.slot}, ${m.vals.length})`;
    case 'snapshot': return `snapshot(s${m.from + 1}, up to ${m.snap.upTo})`;
    case 'ping': return `ping(${showBallot(m.bal)}, ${m.id})`;
    case 'pong': return `pong(s${m.acc + 1}, ${showBallot(m.bal)}, ${m.id})`;
  }
}
