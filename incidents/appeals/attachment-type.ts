/**
 * Attachment types by content (magic bytes), never by name or declared type: images and PDF only.
 */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

const SIGNATURES: { type: string; ext: string; test: (b: Uint8Array) => boolean }[] = [
  {
    type: 'image/png',
    ext: 'png',
    test: (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a,
  },
  { type: 'image/jpeg', ext: 'jpg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', ext: 'gif', test: (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 },
  {
    type: 'image/webp',
    ext: 'webp',
    test: (b) =>
      b[0] === 0x52 &&
      b[1] === 0x49 &&
      b[2] === 0x46 &&
      b[3] === 0x46 &&
      b[8] === 0x57 &&
      b[9] === 0x45 &&
      b[10] === 0x42 &&
      b[11] === 0x50,
  },
  { type: 'application/pdf', ext: 'pdf', test: (b) => b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46 && b[4] === 0x2d },
];

/** The type of a file from its first bytes (at least 12 are looked at), or undefined when it is not an allowed one. */
export function sniffAttachmentType(head: Uint8Array): { type: string; ext: string } | undefined {
  const s = SIGNATURES.find((x) => x.test(head));
  return s && { type: s.type, ext: s.ext };
}

export const ALLOWED_ATTACHMENT_TYPES = SIGNATURES.map((s) => s.type);
