/**
 * Peer links over TCP: one listener per server for the links other servers open to it, and one
 * outgoing link per other server, used only to send. Two one-way links per pair keep the code
 * symmetric: nobody has to decide who dials whom, and a link that breaks is simply redialled.
 *
 * Each link starts with the challenge-response of frames.ts, so a process without the cluster
 * secret can neither send to a server nor receive from one. After it, every frame is handed to
 * `onFrame` (the node validates it with the protocol's codecs). Limits on everything: a frame
 * over FRAME_BYTES_MAX closes the link, an outgoing queue holds at most QUEUE_MAX frames (the
 * oldest are dropped first: Paxos tolerates loss, and a peer that is down must not cost memory),
 * and redialling backs off from 50 ms to 1 s.
 *
 * Faults for tests: `setFault(peer, { drop, delayMs })` drops or delays what this server sends
 * to one peer, so a test can partition a cluster without touching the kernel's network.
 *
 * Left out: TLS (the secret authenticates, it does not encrypt; bind to loopback or a trusted
 * network), and flow control beyond the bounded queue.
 */
import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import {
  answer, challenge, encodeFrame, frameDecoder, hello, verify,
} from './frames.js';

export interface PeerAddress {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export interface LinkFault {
  /** Probability that a frame to this peer is dropped (1 = a partition). */
  readonly drop: number;
  /** Extra delay of every frame to this peer, in milliseconds. */
  readonly delayMs: number;
}

export const QUEUE_MAX = 4096;
const DIAL_BACKOFF_MIN_MS = 50;
const DIAL_BACKOFF_MAX_MS = 1000;
const HANDSHAKE_TIMEOUT_MS = 2000;

export interface Peers {
  readonly send: (peer: string, frame: unknown) => void;
  readonly setFault: (peer: string, fault: LinkFault | null) => void;
  readonly faults: () => Readonly<Record<string, LinkFault>>;
  readonly connected: () => readonly string[];
  readonly close: () => Promise<void>;
}

export interface PeersConfig {
  readonly self: PeerAddress;
  readonly others: readonly PeerAddress[];
  readonly secret: string;
  readonly onFrame: (peer: string, frame: unknown) => void;
  readonly log: (line: string) => void;
}

/** Starts listening and dialling; resolves once the listener is bound. */
export async function startPeers(cfg: PeersConfig): Promise<Peers> {
  const inbound = new Set<Socket>();
  const listener = await listen(cfg, inbound);
  const links = new Map(cfg.others.map((p) => [p.name, outgoing(cfg, p)]));
  const faults: Record<string, LinkFault> = {};
  return {
    send(peer, frame) {
      const link = links.get(peer);
      if (link === undefined) return;
      const fault = faults[peer];
      if (fault !== undefined && Math.random() < fault.drop) return;
      if (fault !== undefined && fault.delayMs > 0) {
        setTimeout(() => link.send(frame), fault.delayMs).unref();
      } else {
        link.send(frame);
      }
    },
    setFault(peer, fault) {
      if (fault === null) delete faults[peer];
      else faults[peer] = fault;
    },
    faults: () => ({ ...faults }),
    connected: () => [...links].filter(([, l]) => l.open()).map(([name]) => name),
    async close() {
      for (const link of links.values()) link.close();
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      for (const socket of inbound) socket.destroy();
      await closed;
    },
  };
}

function listen(cfg: PeersConfig, inbound: Set<Socket>): Promise<Server> {
  const server = createServer((socket) => {
    inbound.add(socket);
    socket.on('close', () => inbound.delete(socket));
    accept(cfg, socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.self.port, cfg.self.host, () => resolve(server));
  });
}

/** An incoming link: handshake as the listener, then frames to `onFrame`. */
function accept(cfg: PeersConfig, socket: Socket): void {
  const decoder = frameDecoder();
  const nonce = randomBytes(16).toString('hex');
  let peer: { name: string; nonce: string } | null = null;
  let open = false;
  const timer = setTimeout(() => socket.destroy(), HANDSHAKE_TIMEOUT_MS);
  timer.unref();
  const refuse = (reason: string) => {
    cfg.log(`peer link from ${socket.remoteAddress}:${socket.remotePort} refused: ${reason}`);
    socket.destroy();
  };
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    const result = decoder.push(chunk);
    if (!result.ok) return refuse(result.reason);
    for (const frame of result.frames) {
      if (open && peer !== null) {
        cfg.onFrame(peer.name, frame);
      } else if (peer === null) {
        const c = challenge(cfg.secret, cfg.self.name, nonce, frame);
        if (!c.ok) return refuse(c.reason);
        if (!cfg.others.some((p) => p.name === c.value.peer)) {
          return refuse(`${c.value.peer} is not a member of this cluster`);
        }
        peer = { name: c.value.peer, nonce: c.value.peerNonce };
        socket.write(encodeFrame(c.value.reply));
      } else {
        const v = verify(cfg.secret, peer.name, peer.nonce, nonce, frame);
        if (!v.ok) return refuse(v.reason);
        open = true;
        clearTimeout(timer);
      }
    }
    return undefined;
  });
}

interface Link {
  readonly send: (frame: unknown) => void;
  readonly open: () => boolean;
  readonly close: () => void;
}

/** An outgoing link to `peer`: dial, handshake as the connector, drain the queue; redial. */
function outgoing(cfg: PeersConfig, peer: PeerAddress): Link {
  const queue: Buffer[] = [];
  let socket: Socket | null = null;
  let ready = false;
  let closed = false;
  let backoff = DIAL_BACKOFF_MIN_MS;
  const flush = () => {
    while (ready && socket !== null && queue.length > 0) socket.write(queue.shift()!);
  };
  const dial = () => {
    if (closed) return;
    const nonce = randomBytes(16).toString('hex');
    const decoder = frameDecoder();
    const s = createConnection({ host: peer.host, port: peer.port });
    socket = s;
    s.setNoDelay(true);
    s.on('connect', () => s.write(encodeFrame(hello(cfg.self.name, nonce))));
    s.on('data', (chunk) => {
      const result = decoder.push(chunk);
      const frame = result.ok ? result.frames[0] : undefined;
      if (ready || frame === undefined) return;
      const a = answer(cfg.secret, cfg.self.name, nonce, peer.name, frame);
      if (!a.ok) {
        cfg.log(`peer link to ${peer.name} refused: ${a.reason}`);
        s.destroy();
        return;
      }
      s.write(encodeFrame(a.value));
      ready = true;
      backoff = DIAL_BACKOFF_MIN_MS;
      flush();
    });
    s.on('error', () => s.destroy());
    s.on('close', () => {
      ready = false;
      socket = null;
      if (closed) return;
      setTimeout(dial, backoff).unref();
      backoff = Math.min(DIAL_BACKOFF_MAX_MS, backoff * 2);
    });
  };
  dial();
  return {
    send(frame) {
      if (queue.length >= QUEUE_MAX) queue.shift();
      queue.push(encodeFrame(frame));
      flush();
    },
    open: () => ready,
    close() {
      closed = true;
      socket?.destroy();
    },
  };
}
