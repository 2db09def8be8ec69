#!/usr/bin/env node
/**
 * `synod`: one binary, one subcommand per use (DESIGN.md, "Command line").
 *
 * Subcommands are loaded lazily so that `synod check` does not pay for the trace checker's
 * codecs and vice versa. Every error that reaches this file as a UsageError is printed as one
 * line and exits 2; anything else is a bug in Synod and is reported as such (exit 70).
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { EXIT_USAGE, UsageError, processIo, type Command, type Io } from './io.js';

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  trace: {
    summary: 'check recorded runs against the spec (trace check FILE|DIR...)',
    load: async () => (await import('./trace.js')).traceCommand,
  },
  check: {
    summary: 'exhaustively model-check a bounded model (paxos, multipaxos, reconfig, cluster)',
    load: async () => (await import('./check.js')).checkCommand,
  },
  simulate: {
    summary: 'run the servers in a seeded faulty world and check every run',
    load: async () => (await import('./simulate.js')).simulateCommand,
  },
  serve: {
    summary: 'run one server: peers over TCP, clients over HTTP, state on an fsync\'d disk',
    load: async () => (await import('./serve.js')).serveCommand,
  },
  cluster: {
    summary: 'a local cluster of servers: cluster up|status|kill|restart|down --data DIR',
    load: async () => (await import('./cluster.js')).clusterCommand,
  },
  kv: {
    summary: 'one key-value operation on a running cluster: kv put|get|delete|cas|append KEY ...',
    load: async () => (await import('./kv.js')).kvCommand,
  },
  history: {
    summary: 'is a client history linearizable? (history check FILE... --model M)',
    load: async () => (await import('./history.js')).historyCommand,
  },
  view: {
    summary: 'write a run, trace, counterexample or history as one HTML page (view FILE)',
    load: async () => (await import('./view.js')).viewCommand,
  },
  demo: {
    summary: 'the first thing to run: clients A, B, C race SetVarX over a lossy network',
    load: async () => (await import('./demo.js')).demoCommand,
  },
};

export function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`);
  return [
    'usage: synod <command> [flags]',
    '',
    'commands:',
    ...lines,
    '',
    'Run `synod <command> --help` for the flags of one command.',
    'Exit codes: 0 verified/accepted, 1 violation/rejected, 2 bad usage or unreadable input.',
    '',
  ].join('\n');
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const entry = commands[name];
  if (entry === undefined) {
    io.err(`synod: unknown command '${name}'\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    const command = await entry.load();
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2), processIo).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`synod: internal error (a bug in Synod, please report it):\n${String(
        e instanceof Error ? e.stack : e,
      )}\n`);
      process.exitCode = 70;
    },
  );
}
