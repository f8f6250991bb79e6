/**
 * Local peers for `kuzet demo` and the tests: a real SMTP server (smtp-server) that decodes what it
 * receives, an endpoint speaking Slack's Web API chat.postMessage (which also lists what it got at
 * `GET /messages`, and the SMTP peer's mail at `GET /mail` when given it), a webhook receiver.
 * Nothing here reaches the internet.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

function decodeQp(s: string): string {
  const bytes: number[] = [];
  const src = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '=' && /^[0-9A-F]{2}$/i.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(src[i] as string, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc: string, data: string) =>
      enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : decodeQp(data.replace(/_/g, ' ')),
    );
}

function parseHeaders(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

function decodeBody(headers: Record<string, string>, body: string): string {
  const cte = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') return decodeQp(body);
  return body;
}

export function parseMail(raw: string): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const headers = parseHeaders(raw.slice(0, split));
  const body = raw.slice(split + 4);
  let text = '';
  let html = '';
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
  if (boundary) {
    for (const part of body.split(`--${boundary}`)) {
      const s = part.indexOf('\r\n\r\n');
      if (s < 0) continue;
      const h = parseHeaders(part.slice(0, s).trim());
      const content = decodeBody(h, part.slice(s + 4));
      if ((h['content-type'] ?? '').startsWith('text/plain')) text = content;
      if ((h['content-type'] ?? '').startsWith('text/html')) html = content;
    }
  } else text = decodeBody(headers, body);
  return { messageId: headers['message-id'] ?? '', to: headers.to ?? '', subject: decodeWords(headers.subject ?? ''), text, html, headers };
}

export async function startSmtp(): Promise<{
  port: number;
  url: string;
  mails: ReceivedMail[];
  down: { value: boolean };
  onMail?: (m: ReceivedMail) => boolean;
  close(): Promise<void>;
  hooks: { beforeAccept?: (m: ReceivedMail) => boolean };
}> {
  const mails: ReceivedMail[] = [];
  const down = { value: false };
  const hooks: { beforeAccept?: (m: ReceivedMail) => boolean } = {};
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (down.value) return cb(Object.assign(new Error('service not available'), { responseCode: 421 }));
        const m = parseMail(Buffer.concat(chunks).toString('utf8'));
        // A hook returning false: the message is not accepted (the test killed the sender meanwhile).
        if (hooks.beforeAccept && !hooks.beforeAccept(m)) return;
        mails.push(m);
        cb();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}/?ignoreTLS=true`,
    mails,
    down,
    hooks,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface SlackCall {
  method: string;
  token: string;
  args: Record<string, unknown>;
  ts: string;
}

/** A message as the channel shows it now: its last `chat.update`, if any, applied. */
export interface SlackMessageView {
  channel: unknown;
  text: unknown;
  thread: unknown;
  ts: string;
  /** The ids of the buttons it offers (`kuzet_ack`). */
  buttons: string[];
  updated: boolean;
}

/** The action ids of the buttons in a message's blocks. */
export function buttonsOf(blocks: unknown): string[] {
  const list = typeof blocks === 'string' ? (JSON.parse(blocks) as unknown) : blocks;
  if (!Array.isArray(list)) return [];
  return list.flatMap((b: { type?: string; elements?: { type?: string; action_id?: string }[] }) =>
    b?.type === 'actions' ? (b.elements ?? []).filter((e) => e.type === 'button').map((e) => String(e.action_id)) : [],
  );
}

/**
 * A click on a message's button as Slack's interactivity sends it: a form body `payload=<JSON>` of type
 * `block_actions`, signed with the app's signing secret (`v0=` HMAC-SHA256 of `v0:{timestamp}:{body}`).
 */
export function slackInteraction(o: {
  secret: string;
  message: { ts: string; channel: unknown; text?: unknown };
  actionId: string;
  value: string;
  user?: { id: string; username: string };
  nowMs?: number;
}): { body: string; headers: Record<string, string> } {
  const user = o.user ?? { id: 'U0DEMO01', username: 'oncall.engineer' };
  const payload = {
    type: 'block_actions',
    team: { id: 'T0DEMO', domain: 'kuzet-demo' },
    user: { id: user.id, username: user.username, name: user.username, team_id: 'T0DEMO' },
    api_app_id: 'A0DEMO',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: o.message.ts, channel_id: String(o.message.channel), is_ephemeral: false },
    trigger_id: '1.2.3',
    channel: { id: String(o.message.channel), name: String(o.message.channel).replace(/^#/, '') },
    message: { type: 'message', ts: o.message.ts, text: o.message.text ?? '' },
    response_url: 'https://hooks.slack.invalid/actions/T0DEMO/1/x',
    actions: [
      {
        action_id: o.actionId,
        block_id: 'kuzet_actions',
        type: 'button',
        value: o.value,
        action_ts: `${Math.floor((o.nowMs ?? Date.now()) / 1000)}.000100`,
      },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(Math.floor((o.nowMs ?? Date.now()) / 1000));
  const signature = `v0=${createHmac('sha256', o.secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature,
    },
  };
}

/**
 * Speaks the part of Slack's Web API kuzet uses: `chat.postMessage`, `chat.update` (the message keeps
 * its ts; `updates` lists every update), and `conversations.history` / `.replies`.
 */
export async function startSlack(o: { mails?: readonly ReceivedMail[]; port?: number; onPost?: (c: SlackCall) => boolean } = {}): Promise<{
  url: string;
  base: string;
  calls: SlackCall[];
  updates: SlackCall[];
  messages(): SlackMessageView[];
  close(): Promise<void>;
}> {
  const calls: SlackCall[] = [];
  const updates: SlackCall[] = [];
  const view = (c: SlackCall): SlackMessageView => ({
    channel: c.args.channel,
    text: c.args.text,
    thread: c.args.thread_ts ?? null,
    ts: c.ts,
    buttons: buttonsOf(c.args.blocks),
    updated: updates.some((u) => u.args.ts === c.ts),
  });
  let n = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/messages' || req.url === '/mail')) {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      const list = req.url === '/messages' ? calls.map(view) : (o.mails ?? []).map((m) => ({ to: m.to, subject: m.subject, text: m.text }));
      res.end(JSON.stringify({ items: list }, null, 2));
      return;
    }
    void bodyOf(req).then((raw) => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] as string;
      const ct = req.headers['content-type'] ?? '';
      const args: Record<string, unknown> = ct.includes('json')
        ? (JSON.parse(raw) as Record<string, unknown>)
        : Object.fromEntries(new URLSearchParams(raw));
      res.setHeader('content-type', 'application/json');
      if (method === 'conversations.history' || method === 'conversations.replies') {
        // Parents in the channel's history; a thread's replies (with its parent) by `ts`. Metadata as posted.
        const inChannel = calls.filter((c) => c.args.channel === args.channel);
        const list =
          method === 'conversations.history'
            ? inChannel.filter((c) => !c.args.thread_ts)
            : inChannel.filter((c) => c.ts === args.ts || c.args.thread_ts === args.ts);
        const metadataOf = (c: SlackCall) =>
          typeof c.args.metadata === 'string' ? (JSON.parse(c.args.metadata) as unknown) : c.args.metadata;
        return res.end(
          JSON.stringify({
            ok: true,
            messages: list.reverse().map((c) => ({
              ts: c.ts,
              text: c.args.text,
              ...(c.args.thread_ts ? { thread_ts: c.args.thread_ts } : {}),
              metadata: metadataOf(c),
            })),
          }),
        );
      }
      if (method === 'chat.update') return res.end(JSON.stringify(chatUpdate(args, req.headers.authorization)));
      const ts = `1700000000.${String(++n).padStart(6, '0')}`;
      if (method !== 'chat.postMessage') return res.end(JSON.stringify({ ok: false, error: 'unknown_method' }));
      const call = { method, token: (req.headers.authorization ?? '').replace(/^Bearer /, ''), args, ts };
      calls.push(call);
      // A hook returning false: the post is kept but never answered (the sender died after Slack took it).
      if (o.onPost && !o.onPost(call)) return;
      res.end(JSON.stringify({ ok: true, channel: args.channel, ts, message: { text: args.text, ts } }));
    });
  });
  /** chat.update: the message of `ts` in `channel` takes the new text and blocks (Slack's answer when there is none). */
  function chatUpdate(args: Record<string, unknown>, auth: string | undefined) {
    const target = calls.find((c) => c.ts === args.ts && c.args.channel === args.channel);
    if (!target) return { ok: false, error: 'message_not_found' };
    updates.push({ method: 'chat.update', token: (auth ?? '').replace(/^Bearer /, ''), args, ts: String(args.ts) });
    target.args = { ...target.args, text: args.text, blocks: args.blocks };
    return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
  }
  await new Promise<void>((r) => server.listen(o.port ?? 0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    base: `http://127.0.0.1:${port}`,
    calls,
    updates,
    messages: () => calls.map(view),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function startWebhook(): Promise<{
  url: string;
  calls: { body: string; signature: string; key: string }[];
  close(): Promise<void>;
}> {
  const calls: { body: string; signature: string; key: string }[] = [];
  const server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      calls.push({ body, signature: String(req.headers['x-kuzet-signature'] ?? ''), key: String(req.headers['idempotency-key'] ?? '') });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hook`, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}
