/** The local SMTP, Slack Web API and webhook peers live with the demo (demo/peers.ts); the notices tests use the same ones. */
export { parseMail, startSlack, startSmtp, startWebhook } from '../demo/peers.ts';
export type { ReceivedMail, SlackCall } from '../demo/peers.ts';
