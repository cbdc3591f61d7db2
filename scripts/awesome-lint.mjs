// awesome-lint with every rule of its default config except `awesome-github`, which asks the
// GitHub API about the repository's remote (description, topics, license): that needs the
// network and a GitHub remote, and says nothing about the README itself. The test suite and
// CI run offline, so they use this entry point.
//
//   node scripts/awesome-lint.mjs [README.md]
import process from 'node:process';
import awesomeLint from 'awesome-lint/index.js';
import {createConfig} from 'awesome-lint/config.js';
import {createRules} from 'awesome-lint/rules/index.js';
import githubRule from 'awesome-lint/rules/github.js';

const rules = createRules().filter(([rule]) => rule !== githubRule);
await awesomeLint.report({
	filename: process.argv[2] ?? 'README.md',
	config: createConfig(rules),
});
