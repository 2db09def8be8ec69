#!/usr/bin/env python3
"""A small Multi-Paxos in Python (no dependencies), instrumented for Synod's trace format v2.

Three servers s1, s2, s3 are each an acceptor, a learner and a replica of a key-value store;
s1 and s2 also act as leaders. Messages go through one in-process network that delivers them in
a fixed order, so a run is the same every time. Each server writes its own log (s1.jsonl, ...)
and each client its own (client-c1.jsonl): the per-node logs a real cluster writes. Merge and
check them with

    synod trace check --merge OUT/*.jsonl

The scenario: s1 leads ballot [1, "s1"] with one phase 1 for every slot from 0 and gets slots 0
and 1 chosen; s2 starts ballot [1, "s2"] from slot 2 and gets its command chosen there; s1,
preempted (its 2a for slot 2 is rejected), starts ballot [2, "s1"] with a new phase 1, adopts
the value reported for slot 2 and proposes its own command in slot 3.

Two bugs can be switched on, each a classic Multi-Paxos mistake:
    --bug skip-phase1   after being preempted, s1 picks a higher ballot and sends 2a at once,
                        skipping phase 1 (so it never learns what slot 2 holds)
    --bug apply-early   a replica applies a slot as soon as it has voted for it, before a
                        quorum has (before the slot is chosen)

usage: multipaxos.py OUT_DIR [--bug skip-phase1|apply-early]
"""
import json
import os
import sys

SERVERS = ["s1", "s2", "s3"]
QUORUM = 2


class Log:
    """One node's trace: a header line, then one JSON event per line (docs/trace-format.md)."""

    def __init__(self, out_dir, node):
        self.f = open(os.path.join(out_dir, f"{node}.jsonl"), "w")
        self.write({"format": "synod.trace", "version": 2, "node": node,
                    "cluster": {"acceptors": SERVERS, "proposers": SERVERS},
                    "provenance": {"implementation": "docs/examples/multipaxos/multipaxos.py"}})

    def write(self, event):
        self.f.write(json.dumps(event, separators=(",", ":")) + "\n")


class Server:
    def __init__(self, name, net, out_dir, bug):
        self.name, self.net, self.bug = name, net, bug
        self.log = Log(out_dir, name)
        # Acceptor: one promise for every slot (Multi-Paxos), and the latest vote per slot.
        self.max_bal = None
        self.votes = {}  # slot -> (ballot, value)
        # Leader.
        self.bal = None
        self.promises = {}
        self.next_slot = 0
        self.proposed = {}  # slot -> value
        self.accepted = {}  # slot -> set of acceptors
        self.pending = []  # (slot, value) to propose once phase 1 completes
        # Learner and replica.
        self.chosen = {}
        self.applied = 0
        self.kv = {}

    # -- messages ---------------------------------------------------------------------------
    def send(self, msg, to):
        self.log.write({"ev": "send", "node": self.name, "msg": msg})
        for dest in to:
            self.net.append((dest, msg))

    def receive(self, msg):
        self.log.write({"ev": "recv", "node": self.name, "msg": msg})
        getattr(self, "on_" + msg["type"].replace("-", "_"))(msg)

    # -- leader -----------------------------------------------------------------------------
    def start_phase1(self, ballot, from_slot):
        self.bal, self.promises, self.pending = ballot, {}, []
        self.next_slot = from_slot
        self.log.write({"ev": "leader", "node": self.name, "bal": ballot})
        self.send({"type": "1a", "bal": ballot, "from": from_slot}, SERVERS)

    def on_1b(self, m):
        if m["bal"] != self.bal or m["acc"] in self.promises:
            return
        self.promises[m["acc"]] = m["votes"]
        if len(self.promises) == QUORUM:
            # The heart of Paxos, slot by slot: re-propose the highest-ballot vote reported.
            best = {}
            for votes in self.promises.values():
                for v in votes:
                    if v["slot"] not in best or v["mbal"] > best[v["slot"]]["mbal"]:
                        best[v["slot"]] = v
            for slot in sorted(best):
                self.propose_at(slot, best[slot]["mval"])
            for value in self.pending:
                self.propose(value)

    def propose(self, value):
        if len(self.promises) < QUORUM and self.bug != "skip-phase1":
            self.pending.append(value)
            return
        while self.next_slot in self.proposed or self.next_slot in self.chosen:
            self.next_slot += 1
        self.propose_at(self.next_slot, value)

    def propose_at(self, slot, value):
        self.proposed[slot] = value
        self.accepted[slot] = set()
        self.next_slot = max(self.next_slot, slot + 1)
        self.send({"type": "2a", "bal": self.bal, "slot": slot, "val": value}, SERVERS)

    def on_2b(self, m):
        if m["bal"] != self.bal or m["slot"] in self.chosen:
            return
        self.accepted[m["slot"]].add(m["acc"])
        if len(self.accepted[m["slot"]]) == QUORUM:
            self.send({"type": "commit", "slot": m["slot"], "val": m["val"]}, SERVERS)

    def on_reject(self, m):
        if m["bal"] != self.bal:
            return
        # Preempted: try again with a higher ballot, from the first slot not applied here.
        ballot = [m["promised"][0] + 1, self.name]
        self.proposed = {}
        if self.bug == "skip-phase1":
            self.bal = ballot
            self.promises = {}
            self.next_slot = self.applied
            self.log.write({"ev": "leader", "node": self.name, "bal": ballot})
            self.propose(f"put y {self.name}")
        else:
            self.start_phase1(ballot, self.applied)
            self.propose(f"put y {self.name}")

    # -- acceptor ---------------------------------------------------------------------------
    def on_1a(self, m):
        if self.max_bal is not None and m["bal"] <= self.max_bal:
            return self.send({"type": "reject", "acc": self.name, "bal": m["bal"],
                              "promised": self.max_bal}, [leader_of(m["bal"])])
        self.max_bal = m["bal"]
        votes = [{"slot": s, "mbal": b, "mval": v} for s, (b, v) in sorted(self.votes.items())
                 if s >= m["from"]]
        self.send({"type": "1b", "acc": self.name, "bal": m["bal"], "from": m["from"],
                   "votes": votes}, [leader_of(m["bal"])])

    def on_2a(self, m):
        if self.max_bal is not None and m["bal"] < self.max_bal:
            return self.send({"type": "reject", "acc": self.name, "bal": m["bal"],
                              "promised": self.max_bal}, [leader_of(m["bal"])])
        self.max_bal = m["bal"]
        self.votes[m["slot"]] = (m["bal"], m["val"])
        self.send({"type": "2b", "acc": self.name, "bal": m["bal"], "slot": m["slot"],
                   "val": m["val"]}, [leader_of(m["bal"])])
        if self.bug == "apply-early":
            # The shortcut: its own vote taken for the decision, nothing learned.
            self.learn(m["slot"], m["val"], logged=False)

    # -- learner and replica ----------------------------------------------------------------
    def on_commit(self, m):
        self.learn(m["slot"], m["val"])

    def learn(self, slot, value, logged=True):
        if slot in self.chosen:
            return
        self.chosen[slot] = value
        if logged:
            self.log.write({"ev": "learn", "node": self.name, "slot": slot, "val": value})
        while self.applied in self.chosen:
            cmd = self.chosen[self.applied]
            _, key, val = cmd.split(" ")
            self.kv[key] = val
            client, seq = CLIENT_OF[cmd]
            self.log.write({"ev": "apply", "node": self.name, "slot": self.applied, "val": cmd,
                            "cmds": [{"client": client, "seq": seq}]})
            self.applied += 1


def leader_of(ballot):
    return ballot[1]


# Which client sent each command, and its sequence number (exactly-once is checked on these).
CLIENT_OF = {"put x 1": ("c1", 1), "put x 2": ("c1", 2), "put x s2": ("c2", 1),
             "put y s1": ("c1", 3)}


def run(out_dir, bug):
    os.makedirs(out_dir, exist_ok=True)
    net = []
    servers = {n: Server(n, net, out_dir, bug) for n in SERVERS}
    clients = {c: Log(out_dir, f"client-{c}") for c in ("c1", "c2")}

    def deliver(only=None, keep=None):
        """Delivers queued messages in order; `keep` holds back those it matches."""
        held = []
        while net:
            dest, msg = net.pop(0)
            if keep is not None and keep(dest, msg):
                held.append((dest, msg))
            elif only is None or only(dest, msg):
                servers[dest].receive(msg)
        net.extend(held)

    def call(client, seq, key, val):
        clients[client].write({"ev": "invoke", "client": client, "seq": seq, "op": "put",
                               "key": key, "val": val})

    def done(client, seq):
        clients[client].write({"ev": "return", "client": client, "seq": seq, "ok": True,
                               "val": None})

    s1, s2 = servers["s1"], servers["s2"]
    s1.start_phase1([1, "s1"], 0)
    deliver()
    call("c1", 1, "x", "1")
    s1.propose("put x 1")
    deliver()
    done("c1", 1)
    call("c1", 2, "x", "2")
    s1.propose("put x 2")
    deliver()
    done("c1", 2)
    # s2 takes over from slot 2 with s3's promise (s1 does not hear of it yet).
    s2.start_phase1([1, "s2"], 2)
    deliver(keep=lambda dest, m: dest == "s1")
    call("c2", 1, "x", "s2")
    s2.propose("put x s2")
    deliver(keep=lambda dest, m: dest == "s1")
    done("c2", 1)
    # s1, still leading [1, "s1"] as far as it knows, proposes in slot 2 and is rejected.
    net[:] = [(d, m) for d, m in net if m["type"] not in ("1a", "2a")]
    call("c1", 3, "y", "s1")
    s1.propose_at(2, "put y s1")
    deliver()
    deliver()
    done("c1", 3)


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    bug = args[args.index("--bug") + 1] if "--bug" in args else None
    if bug not in (None, "skip-phase1", "apply-early"):
        sys.exit(f"unknown bug {bug!r}")
    run(args[0], bug)
