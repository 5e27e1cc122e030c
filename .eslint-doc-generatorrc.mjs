// eslint-doc-generator reads the built plugin (`dist/`), so run `npm run build` first.

/** @type {import('eslint-doc-generator').GenerateOptions} */
const config = {
  configEmoji: [
    ['recommended', '✅'],
    ['strict', '🔒'],
    ['all', '🌐'],
  ],
  ruleListColumns: [
    'name',
    'description',
    'configsError',
    'configsWarn',
    'configsOff',
    'fixable',
    'hasSuggestions',
    'requiresTypeChecking',
    'options',
    'deprecated',
  ],
  ruleDocNotices: [
    'configs',
    'deprecated',
    'fixableAndHasSuggestions',
    'requiresTypeChecking',
    'options',
    'description',
  ],
  ruleDocTitleFormat: 'prefix-name',
  // The layout every rule doc follows (see tests/docs.test.ts for how examples are checked).
  ruleDocSectionInclude: ['Examples', 'When Not To Use It'],
  urlConfigs: 'https://github.com/race-guard/eslint-plugin-race-guard#configs',
};

export default config;
