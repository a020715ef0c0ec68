// Runs Zotero's own BibTeX import translator (zotero/translators BibTeX.js) in Node on a .bib file,
// with zotero/utilities for ZU, and prints the items it saves as JSON.
// usage: node run_bibtex_import.js TRANSLATORS_DIR UTILITIES_DIR (FILE.bib | --self-test)
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const [translatorsDir, utilitiesDir, target] = process.argv.slice(2);
const lib = (name) => require(path.resolve(utilitiesDir, name));

globalThis.Zotero = { locale: 'en-US', isNode: true, debug: () => {} };
Zotero.Utilities = lib('utilities');
Zotero.Utilities.Item = lib('utilities_item');
Zotero.Date = lib('date');
Zotero.Date.init(fs.readFileSync(path.resolve(utilitiesDir, 'resource/dateFormats.json'), 'utf-8'));
const cachedTypes = lib('cachedTypes');
cachedTypes.setTypeSchema(lib('resource/zoteroTypeSchemaData'));
Object.assign(Zotero, cachedTypes);

// What zotero/translate's src/utilities_translate.js gives a translator as ZU: Zotero.Utilities plus the date functions.
const translatorUtilities = Object.assign(Object.create(Zotero.Utilities), {
  formatDate: Zotero.Date.formatDate, strToDate: Zotero.Date.strToDate, strToISO: Zotero.Date.strToISO,
  itemTypeExists: Zotero.Utilities.Item.itemTypeExists,
});

function translatorSource() {
  const text = fs.readFileSync(path.join(translatorsDir, 'BibTeX.js'), 'utf-8');
  const headerEnd = text.indexOf('\n}\n');  // the JSON metadata block Zotero strips before running
  return text.slice(headerEnd + 3);
}

// What zotero/translate's Sandbox.Base._itemDone does to an item before saving it (src/translation/translate.js):
// drops empty fields, trims strings, drops nameless creators, makes tags {tag} objects.
function itemDone(item) {
  const done = {};
  for (const [key, value] of Object.entries(item)) {
    if (!value && value !== 0) continue;
    done[key] = typeof value === 'string' ? value.trim() : value;
  }
  if (done.creators) done.creators = done.creators.filter((c) => c.firstName || c.lastName);
  if (done.tags) {
    done.tags = done.tags.filter(Boolean).map((tag) => (typeof tag === 'object' ? { tag: tag.tag || tag.name } : { tag: String(tag) }));
  }
  return asClientSaves(done);
}

// What the Zotero client's Item.fromJSON does next: a base field (publicationTitle, publisher, type) takes the
// item type's own name for it (proceedingsTitle, university, thesisType); a field the type lacks is not kept
// as a field (the client puts a DOI that a type lacks into Extra).
const OBJECT_FIELDS = ['itemType', 'creators', 'tags', 'notes', 'attachments', 'seeAlso', 'relations', 'extra', 'id'];
function asClientSaves(item) {
  const fields = Zotero.ItemFields;
  const saved = {};
  const extraLines = [];
  for (const [key, value] of Object.entries(item)) {
    if (OBJECT_FIELDS.includes(key) || fields.isValidForType(key, item.itemType)) {
      saved[key] = value;
      continue;
    }
    const mapped = fields.getFieldIDFromTypeAndBase(item.itemType, key);
    if (mapped) saved[fields.getName(mapped)] = value;
    else if (key === 'DOI') extraLines.push(`DOI: ${value}`);
  }
  if (extraLines.length) saved.extra = [...extraLines, saved.extra].filter(Boolean).join('\n');
  return saved;
}

function runImport(bibText) {
  const saved = [];
  let position = 0;
  class Item {
    constructor(itemType) {
      Object.assign(this, { itemType, creators: [], notes: [], tags: [], seeAlso: [], attachments: [] });
    }
    complete() {
      saved.push(itemDone(JSON.parse(JSON.stringify(this))));
    }
  }
  class Collection { complete() {} }
  const sandboxZotero = {
    read(n) {
      if (position >= bibText.length) return false;
      const chunk = bibText.slice(position, position + n);
      position += n;
      return chunk;
    },
    write() {}, debug() {}, setProgress() {},
    getOption: () => undefined, getHiddenPref: () => undefined,
    Item, Collection, Utilities: translatorUtilities,
  };
  const context = vm.createContext({ Zotero: sandboxZotero, ZU: translatorUtilities, Z: sandboxZotero, require, console });
  vm.runInContext(translatorSource(), context);
  return Promise.resolve(context.doImport()).then(() => ({ saved, testCases: context.testCases }));
}

function sortedDeep(value) {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedDeep(value[key])]));
  }
  return value;
}

function normal(item) {
  // As Zotero saves an item and its test runner compares it: empty fields dropped, no accessDate or runtime keys.
  const out = {};
  for (const [key, value] of Object.entries(item)) {
    if (['itemID', 'complete', 'accessDate'].includes(key)) continue;
    if (value === '' || value === false || value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return JSON.stringify(sortedDeep(out));
}

async function selfTest() {
  const { testCases } = await runImport('');
  let passed = 0, total = 0;
  const failures = [];
  for (const testCase of testCases.filter((t) => t.type === 'import')) {
    total += 1;
    const { saved } = await runImport(testCase.input);
    const want = testCase.items.map(normal);
    const got = saved.map(normal);
    if (JSON.stringify(want) === JSON.stringify(got)) passed += 1;
    else failures.push({ input: testCase.input.slice(0, 80), want: want.slice(0, 1), got: got.slice(0, 1) });
  }
  console.log(JSON.stringify({ passed, total, failures }, null, 1));
}

if (target === '--self-test') selfTest();
else runImport(fs.readFileSync(target, 'utf-8')).then(({ saved }) => console.log(JSON.stringify(saved)));
