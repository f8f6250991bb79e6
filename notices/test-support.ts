/** The local SMTP, Slack Web API and webhook peers live with the demo (collector/demo/peers.ts); the notices tests use the same ones. */
export { parseMail, startSlack, startSmtp, startWebhook } from '../collector/demo/peers.ts';
export type { ReceivedMail, SlackCall } from '../collector/demo/peers.ts';
