/** `npm run docs`: writes docs/rules.md from the rule objects and docs/rules.template.md. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RULES_DOC, rulesDoc } from './rules-doc.ts';

writeFileSync(RULES_DOC, rulesDoc());
console.log(`wrote ${fileURLToPath(RULES_DOC)}`);
