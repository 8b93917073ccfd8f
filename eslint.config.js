// @ts-check
/**
 * Lint that enforces Madoguchi's layers (STYLE.md): each folder may import only what its layer
 * may use, so a wrong import fails `npx eslint .` instead of relying on memory.
 *
 *   shared/          plain TypeScript: no Node, no DOM-only libraries, no electron, no React
 *   renderer/        DOM only: no Node, no electron, nothing from electron/ (talks through the typed client)
 *   electron/        plain Node: no 'electron' (it reaches the platform through arguments), nothing from renderer/
 *   electron/shell/  the only place allowed to import 'electron'
 *
 * Only rules that need no type information, so linting stays fast.
 *
 * ESLint replaces (does not merge) a rule configured again in a later block, so every block
 * below lists the restrictions that apply everywhere plus those of its layer.
 */
import { builtinModules } from 'node:module';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** @typedef {{ name: string, message: string }} RestrictedPath */
/** @typedef {{ group: string[], message: string }} RestrictedPattern */

const NODE_MESSAGE = 'Node built-ins are not available in this layer: move the code to electron/ and reach it through the contract.';
const nodeBuiltins = {
  /** @type {RestrictedPath[]} */
  paths: builtinModules.filter((name) => !name.startsWith('_')).map((name) => ({ name, message: NODE_MESSAGE })),
  /** @type {RestrictedPattern[]} */
  patterns: [{ group: ['node:*'], message: NODE_MESSAGE }],
};

const ELECTRON_MESSAGE = "Only electron/shell/ may import 'electron': pass what you need in as an argument (see createApp's AppOptions).";
const electronImports = {
  paths: [
    { name: 'electron', message: ELECTRON_MESSAGE },
    // electron-store imports 'electron' itself.
    { name: 'electron-store', message: ELECTRON_MESSAGE },
  ],
  patterns: [{ group: ['electron/*'], message: ELECTRON_MESSAGE }],
};

/** Packages that only run in the main process (native code, sockets, files). */
const MAIN_ONLY_MESSAGE = 'This package runs only in the main process: call it through the contract instead.';
const mainOnlyPackages = {
  paths: ['better-sqlite3-multiple-ciphers', 'kysely', 'imapflow', 'mailparser', 'nodemailer', 'ws', 'iconv-lite'].map((name) => ({
    name,
    message: MAIN_ONLY_MESSAGE,
  })),
  patterns: [],
};

const reactImports = {
  paths: ['react', 'react-dom', 'react-i18next', 'zustand'].map((name) => ({
    name,
    message: 'shared/ is used by the main process too: keep UI libraries in renderer/.',
  })),
  patterns: [{ group: ['react/*', 'react-dom/*'], message: 'shared/ is used by the main process too: keep UI libraries in renderer/.' }],
};

const fromElectronFolder = {
  paths: [],
  patterns: [
    {
      group: ['**/electron/**', '**/electron', '!electron'],
      message: 'The main process is reached only through the contract (shared/contract.ts) and the typed client, never by importing electron/.',
    },
  ],
};

const fromRendererFolder = {
  paths: [],
  patterns: [{ group: ['**/renderer/**', '**/renderer'], message: 'renderer/ is the UI layer: nothing else may import it. Move shared code to shared/.' }],
};

const everywhere = {
  paths: [{ name: '@electron/remote', message: '@electron/remote gives the renderer the main process: use the contract and the preload bridge.' }],
  patterns: [{ group: ['@electron/remote/*'], message: '@electron/remote gives the renderer the main process: use the contract and the preload bridge.' }],
};

/** @param {...{ paths: RestrictedPath[], patterns: RestrictedPattern[] }} bans */
function restrictImports(...bans) {
  return [
    'error',
    {
      paths: [everywhere, ...bans].flatMap((ban) => ban.paths),
      patterns: [everywhere, ...bans].flatMap((ban) => ban.patterns),
    },
  ];
}

const noDangerousHtml = {
  selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
  message: 'dangerouslySetInnerHTML renders raw HTML: render text, or show sanitised mail HTML in a sandboxed frame.',
};
const noRawHtmlSinks = [
  {
    selector: "AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]",
    message: 'Assigning HTML strings is an XSS sink: build elements with React, or show sanitised mail HTML in a sandboxed frame.',
  },
  {
    selector: "CallExpression[callee.property.name='insertAdjacentHTML']",
    message: 'insertAdjacentHTML is an XSS sink: build elements with React instead.',
  },
  {
    selector: "CallExpression[callee.object.name='document'][callee.property.name=/^(write|writeln)$/]",
    message: 'document.write is an XSS sink: build elements with React instead.',
  },
];

export default defineConfig([
  globalIgnores(['dist/**', 'release/**', 'out/**', 'node_modules/**', '.electron-native/**', 'test-results/**', 'playwright-report/**', '.tmp/**']),

  tseslint.configs.recommended,

  {
    name: 'madoguchi/everywhere',
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    rules: {
      'no-restricted-imports': restrictImports(),
      'no-restricted-syntax': ['error', noDangerousHtml],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      // A leading underscore marks a parameter a signature requires but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    name: 'madoguchi/commonjs',
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    name: 'madoguchi/shared',
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': restrictImports(nodeBuiltins, electronImports, mainOnlyPackages, reactImports, fromElectronFolder, fromRendererFolder),
    },
  },
  {
    name: 'madoguchi/renderer',
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': restrictImports(nodeBuiltins, electronImports, mainOnlyPackages, fromElectronFolder),
      'no-restricted-syntax': ['error', noDangerousHtml, ...noRawHtmlSinks],
    },
  },
  {
    name: 'madoguchi/main-process',
    files: ['electron/**'],
    ignores: ['electron/shell/**'],
    rules: {
      'no-restricted-imports': restrictImports(electronImports, fromRendererFolder),
    },
  },
  {
    name: 'madoguchi/shell',
    files: ['electron/shell/**'],
    rules: {
      'no-restricted-imports': restrictImports(fromRendererFolder),
    },
  },
]);
