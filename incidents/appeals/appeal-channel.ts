/**
 * How an appeal reached the operator (its intake channel). The web form is the default; the energy
 * desk answers e-mails and voice messages on clocks of their own (003 §19.2–19.4: SLA-N-DESK-MAIL,
 * SLA-N-DESK-VOICE), so an operator who types in an appeal that came by mail or voice says so.
 */
export const APPEAL_CHANNELS = ['web', 'email', 'voice', 'phone'] as const;
export type AppealChannel = (typeof APPEAL_CHANNELS)[number];
