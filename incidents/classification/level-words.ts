/** The failure levels' words in Russian (001 §12) and Kazakh (002 §12), as the journal form and the notices print them. */
export const LEVEL_WORDS = {
  ru: { low: 'низкий', medium: 'средний', high: 'высокий' },
  kk: { low: 'төмен', medium: 'орташа', high: 'жоғары' },
} as const satisfies Readonly<Record<'ru' | 'kk', Readonly<Record<'low' | 'medium' | 'high', string>>>>;
