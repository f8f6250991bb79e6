#!/usr/bin/env node
// The kuzet CLI. TypeScript sources run through tsx's loader, so `npx kuzet` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
await main(process.argv);
