#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's CommonJS loader.
require('tsx/cjs');
require('../harness/cli/main.ts');
