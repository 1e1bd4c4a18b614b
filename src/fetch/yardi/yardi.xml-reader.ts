/**
 * A strict one-pass XML reader for Voyager's SOAP answers. It builds, as each element closes, the plain objects
 * fast-xml-parser gives with yardi.soap's former options (attributes as `@Name`, namespace prefixes and `xmlns`
 * attributes removed, every value trimmed text, `#text` beside attributes or children, repeated children as
 * arrays, XML and common HTML entities decoded), with no tree of its own in between. The elements at one path
 * (a read's records) can be handed to a callback as they close instead of kept: memory then holds what the
 * callback keeps, not the document's tree.
 *
 * Strict: a document cut short, a mismatched or unclosed tag, a second root, text outside the root, a malformed
 * attribute or `&` reference, and a DOCTYPE (SOAP forbids one) all throw XmlSyntaxError, so a truncated answer
 * never reads as fewer records.
 */

type Tree = Record<string, unknown>;

export interface XmlSplit {
  /** Element names from the root, namespace prefixes removed (e.g. Envelope, Body, …, RT_Customer). */
  readonly path: readonly string[];
  /**
   * Each element at `path`, in document order, as fast-xml-parser would have valued it; none is kept in its
   * parent. A parent's lone empty element is no item (as `asList` reads one), as fast-xml-parser's tree says.
   */
  readonly onElement: (value: unknown) => void;
}

export class XmlSyntaxError extends Error {}

/** XML names (fast-xml-parser's validator's pattern). */
const NAME_START =
  ':A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
// The XML spec's name characters: combining marks (U+0300–U+036F) are ranges here, not combined characters.
// eslint-disable-next-line no-misleading-character-class
const NAME = new RegExp(`^[${NAME_START}][${NAME_START}\\-.\\d\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*$`);

/** Named references decoded: XML's five, and the common HTML and currency ones fast-xml-parser's htmlEntities adds. */
const ENTITIES = new Map<string, string>(
  Object.entries({
    amp: '&',
    apos: "'",
    gt: '>',
    lt: '<',
    quot: '"',
    nbsp: '\u00a0',
    copy: '\u00a9',
    reg: '\u00ae',
    trade: '\u2122',
    mdash: '\u2014',
    ndash: '\u2013',
    hellip: '\u2026',
    laquo: '\u00ab',
    raquo: '\u00bb',
    lsquo: '\u2018',
    rsquo: '\u2019',
    ldquo: '\u201c',
    rdquo: '\u201d',
    bull: '\u2022',
    para: '\u00b6',
    sect: '\u00a7',
    deg: '\u00b0',
    frac12: '\u00bd',
    frac14: '\u00bc',
    frac34: '\u00be',
    cent: '\u00a2',
    pound: '\u00a3',
    curren: '\u00a4',
    yen: '\u00a5',
    euro: '\u20ac',
    dollar: '$',
    fnof: '\u0192',
    inr: '\u20b9',
    af: '\u060b',
    birr: '\u1265\u122d',
    peso: '\u20b1',
    rub: '\u20bd',
    won: '\u20a9',
    yuan: '\u00a5',
    cedil: '\u00b8',
  }),
);

/** Element names that would reach an object's prototype: refused, or renamed `__name`, as fast-xml-parser does. */
const REFUSED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const RENAMED_NAMES = new Set([
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);
/** How many attribute names an element name remembers to try in place (attributeAt). */
const ATTRIBUTES_TRIED = 8;
/** fast-xml-parser's limit on open elements. */
const MAX_DEPTH = 101;
/** fast-xml-parser's reading of a processing instruction's pseudo-attributes. */
const PSEUDO_ATTRIBUTE = /([^\s=]+)\s*(=\s*(?:"([^"]*)"|'([^']*)'))?/g;

/**
 * An element name met in the document, checked once. Each remembers the name that came after it last time, so
 * the next tag of a record shaped like the last is recognised by comparing in place, without cutting out its name.
 */
interface ElementName {
  /** The name as written (closing tags must match it). */
  readonly raw: string;
  /** The name as a key: its namespace prefix removed. */
  readonly name: string;
  /** The element that opened next inside the last element of this name, and the one after it. */
  firstChild: ElementName | null;
  nextSibling: ElementName | null;
  /** The names of its attributes met so far, in order (an element is mostly written with the same ones). */
  readonly attributeNames: AttributeName[];
}

/** An attribute name met in the document, checked once. */
interface AttributeName {
  readonly raw: string;
  /** Its key (`@name`), or null for a namespace declaration (dropped). */
  readonly key: string | null;
  /** The tag it was last seen in (a second time in one tag is an error). */
  seenInTag: number;
}

interface Frame {
  readonly element: ElementName;
  children: Tree | null;
  text: string | undefined;
  readonly attributes: Tree | null;
  /** How many names of the split path it and its ancestors match (its depth), or -1 when it is off the path. */
  readonly onPath: number;
  /** Split elements seen among its children, and whether the first was empty and is held back. */
  splitCount: number;
  heldEmpty: boolean;
}

/** Reads a whole document; throws XmlSyntaxError when it is not well-formed. */
export function readXml(xml: string, split?: XmlSplit): Tree {
  // XML reads CR LF and lone CR as LF (fast-xml-parser too).
  const text = xml.indexOf('\r') === -1 ? xml : xml.replace(/\r\n?/g, '\n');
  return new XmlReader(text, split).read();
}

class XmlReader {
  private readonly doc: Frame = frame(elementName('', ''), null, 0);
  private readonly stack: Frame[] = [this.doc];
  private top: Frame = this.doc;
  /** Text since the last markup that ends a text run (comments do not). */
  private run = '';
  private rootClosed = false;
  private markupSeen = false;
  private xml11 = false;
  private readonly elementNames = new Map<string, ElementName>();
  private readonly attributeNames = new Map<string, AttributeName>();
  /** The element of the last tag read, and whether that tag opened it (then its first child comes next). */
  private lastElement: ElementName | null = null;
  private lastOpened = false;
  /** Tags read so far: numbers each tag, so an attribute written twice in one is told. */
  private tags = 0;
  private readonly splitPath: readonly string[];

  constructor(
    private readonly s: string,
    private readonly split: XmlSplit | undefined,
  ) {
    this.splitPath = split?.path ?? [];
  }

  read(): Tree {
    const s = this.s;
    const len = s.length;
    let i = s.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark
    while (i < len) {
      const lt = s.indexOf('<', i);
      if (lt !== i) this.run += s.slice(i, lt === -1 ? len : lt);
      if (lt === -1) break;
      const next = s.charCodeAt(lt + 1);
      if (next === 47) i = this.closeTag(lt);
      else if (next === 33) i = this.declaration(lt);
      else if (next === 63) i = this.instruction(lt);
      else i = this.openTag(lt);
      this.markupSeen = true;
    }
    if (this.top !== this.doc) throw this.cutShort();
    this.flushText();
    if (!this.rootClosed) throw new XmlSyntaxError('no root element');
    return this.doc.children ?? {};
  }

  private openTag(lt: number): number {
    const s = this.s;
    const len = s.length;
    const element = this.elementAt(lt);
    const raw = element.raw;
    const tag = ++this.tags;
    let j = lt + 1 + raw.length;
    let attributes: Tree | null = null;
    let selfClosing = false;
    for (;;) {
      const spaceAt = j;
      while (j < len && isSpace(s.charCodeAt(j))) j++;
      if (j >= len) throw this.cutShort();
      const c = s.charCodeAt(j);
      if (c === 62) {
        j++;
        break;
      }
      if (c === 47) {
        if (j + 1 >= len) throw this.cutShort();
        if (s.charCodeAt(j + 1) !== 62) throw this.error(j, `"/" not followed by ">" in <${raw}>`);
        selfClosing = true;
        j += 2;
        break;
      }
      if (j === spaceAt) throw this.error(j, `no white space before an attribute of <${raw}>`);
      const nameAt = j;
      const attribute = this.attributeAt(element, j);
      j += attribute.raw.length;
      while (j < len && isSpace(s.charCodeAt(j))) j++;
      if (j >= len) throw this.cutShort();
      if (s.charCodeAt(j) !== 61) throw this.error(j, `attribute ${attribute.raw} of <${raw}> has no value`);
      j++;
      while (j < len && isSpace(s.charCodeAt(j))) j++;
      if (j >= len) throw this.cutShort();
      const quote = s[j];
      if (quote !== '"' && quote !== "'") throw this.error(j, `attribute ${attribute.raw} of <${raw}> is not quoted`);
      const close = s.indexOf(quote, j + 1);
      if (close === -1) throw this.cutShort();
      if (attribute.seenInTag === tag) throw this.error(nameAt, `attribute ${attribute.raw} of <${raw}> is repeated`);
      attribute.seenInTag = tag;
      if (attribute.key !== null)
        (attributes ??= {})[attribute.key] = decode(s.slice(j + 1, close).trim(), false, this.xml11);
      j = close + 1;
    }
    if (this.rootClosed) throw this.error(lt, `a second root element <${raw}>`);
    const parent = this.top;
    this.flushText();
    const onPath = this.pathIndex(parent, element.name);
    if (selfClosing) {
      this.add(parent, element.name, attributes ?? '', onPath);
    } else {
      if (this.stack.length > MAX_DEPTH) throw this.error(lt, `elements nested deeper than ${MAX_DEPTH - 1}`);
      const opened = frame(element, attributes, onPath);
      this.stack.push(opened);
      this.top = opened;
    }
    this.lastElement = element;
    this.lastOpened = !selfClosing;
    return j;
  }

  /**
   * The element name after the `<` at `lt`: first tried in place as the name that followed the last tag's last
   * time (records repeat their shape), else cut out and checked, and remembered as the one that follows.
   */
  private elementAt(lt: number): ElementName {
    const s = this.s;
    const last = this.lastElement;
    const guess = last === null ? null : this.lastOpened ? last.firstChild : last.nextSibling;
    if (guess !== null && s.startsWith(guess.raw, lt + 1) && endsName(s.charCodeAt(lt + 1 + guess.raw.length)))
      return guess;
    let j = lt + 1;
    while (j < s.length && !endsName(s.charCodeAt(j))) j++;
    if (j >= s.length) throw this.cutShort();
    const raw = s.slice(lt + 1, j);
    let element = this.elementNames.get(raw);
    if (element === undefined) {
      if (!NAME.test(raw)) throw this.error(lt, `"${raw}" is not an element name`);
      let name = raw.slice(raw.indexOf(':') + 1);
      if (REFUSED_NAMES.has(name)) throw this.error(lt, `the element name ${name} is refused`);
      if (RENAMED_NAMES.has(name)) name = `__${name}`;
      element = elementName(raw, name);
      this.elementNames.set(raw, element);
    }
    if (last !== null) {
      if (this.lastOpened) last.firstChild = element;
      else last.nextSibling = element;
    }
    return element;
  }

  /** The attribute name at `at` in a tag of `element`: first tried in place as one it had before, else cut out and checked. */
  private attributeAt(element: ElementName, at: number): AttributeName {
    const s = this.s;
    for (const known of element.attributeNames)
      if (s.startsWith(known.raw, at) && endsAttributeName(s.charCodeAt(at + known.raw.length))) return known;
    let j = at;
    while (j < s.length && !endsAttributeName(s.charCodeAt(j))) j++;
    const raw = s.slice(at, j);
    let attribute = this.attributeNames.get(raw);
    if (attribute === undefined) {
      if (!NAME.test(raw)) throw this.error(at, `"${raw}" is not an attribute name in <${element.raw}>`);
      attribute = { raw, key: attributeKey(raw), seenInTag: 0 };
      this.attributeNames.set(raw, attribute);
    }
    // A few per element: tried in turn, so a tag with many names must not make every attribute a long search.
    if (element.attributeNames.length < ATTRIBUTES_TRIED) element.attributeNames.push(attribute);
    return attribute;
  }

  private closeTag(lt: number): number {
    const s = this.s;
    const open = this.top;
    if (open === this.doc) throw this.error(lt, 'a closing tag outside any element');
    let j = lt + 2;
    if (s.startsWith(open.element.raw, j)) {
      j += open.element.raw.length;
      while (j < s.length && isSpace(s.charCodeAt(j))) j++;
    }
    if (j >= s.length) throw this.cutShort();
    if (s.charCodeAt(j) !== 62) {
      const gt = s.indexOf('>', lt);
      if (gt === -1) throw this.cutShort();
      throw this.error(lt, `</${s.slice(lt + 2, gt).trim()}> closes <${open.element.raw}>`);
    }
    this.flushText();
    this.stack.pop();
    this.top = this.stack[this.stack.length - 1];
    this.add(this.top, open.element.name, elementValue(open), open.onPath);
    this.lastElement = open.element;
    this.lastOpened = false;
    return j + 1;
  }

  /** `<!--` comments (skipped, within a text run), CDATA sections (text as written); no DOCTYPE. */
  private declaration(lt: number): number {
    const s = this.s;
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('-->', lt + 4);
      if (end === -1) throw this.cutShort();
      return end + 3;
    }
    if (s.startsWith('<![CDATA[', lt)) {
      if (this.top === this.doc) throw this.error(lt, 'a CDATA section outside the root element');
      const end = s.indexOf(']]>', lt + 9);
      if (end === -1) throw this.cutShort();
      this.flushText();
      const open = this.top;
      const cdata = s.slice(lt + 9, end);
      open.text = open.text === undefined ? cdata : open.text + cdata;
      return end + 3;
    }
    if (s.startsWith('<!DOCTYPE', lt)) throw this.error(lt, 'a DOCTYPE, which a SOAP message may not have');
    if (lt + 9 >= s.length) throw this.cutShort();
    throw this.error(lt, 'markup that is neither a comment nor a CDATA section');
  }

  /** `<?target pseudo="attributes"?>`: a child `?target` (the XML declaration one of the document). */
  private instruction(lt: number): number {
    const s = this.s;
    const end = s.indexOf('?>', lt + 2);
    if (end === -1) throw this.cutShort();
    const body = s.slice(lt + 2, end);
    const space = body.search(/\s/);
    const target = space === -1 ? body : body.slice(0, space);
    if (target === 'xml') {
      if (this.markupSeen || this.run.trim() !== '')
        throw this.error(lt, 'an XML declaration that is not at the start of the document');
    } else if (!NAME.test(target)) throw this.error(lt, `"${target}" is not a processing instruction's target`);
    this.flushText();
    let attributes: Tree | null = null;
    if (space !== -1) {
      for (const match of body.slice(space + 1).matchAll(PSEUDO_ATTRIBUTE)) {
        const value = match[3] ?? match[4];
        const key = attributeKey(match[1]);
        if (value !== undefined && key !== null) (attributes ??= {})[key] = decode(value.trim(), false, this.xml11);
      }
    }
    if (target === 'xml' && attributes?.['@version'] === '1.1') this.xml11 = true;
    this.add(this.top, `?${target}`, attributes ?? '', -1);
    return end + 2;
  }

  /** The text run into the open element: trimmed, then its references decoded; outside the root, only white space. */
  private flushText(): void {
    const run = this.run;
    if (run === '') return;
    this.run = '';
    const open = this.top;
    if (open === this.doc) {
      for (let k = 0; k < run.length; k++)
        if (!isSpace(run.charCodeAt(k))) throw new XmlSyntaxError(`text outside the root element: "${run.trim()}"`);
      return;
    }
    const trimmed = run.trim();
    if (trimmed === '') return;
    const value = decode(trimmed, true, this.xml11);
    open.text = open.text === undefined ? value : open.text + value;
  }

  private pathIndex(parent: Frame, name: string): number {
    const depth = parent.onPath;
    return depth >= 0 && depth < this.splitPath.length && this.splitPath[depth] === name ? depth + 1 : -1;
  }

  /** A closed element's value into its parent, or to the split callback when it is at the split path. */
  private add(parent: Frame, name: string, value: unknown, onPath: number): void {
    if (parent === this.doc && name[0] !== '?') this.rootClosed = true;
    if (onPath > 0 && onPath === this.splitPath.length) {
      if (value === '' && parent.splitCount === 0) {
        parent.heldEmpty = true;
      } else {
        if (parent.heldEmpty) {
          parent.heldEmpty = false;
          this.split!.onElement('');
        }
        this.split!.onElement(value);
      }
      parent.splitCount++;
      return;
    }
    const children = (parent.children ??= {});
    const existing = children[name];
    if (existing === undefined || !Object.hasOwn(children, name)) children[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else children[name] = [existing, value];
  }

  private cutShort(): XmlSyntaxError {
    const open = this.stack
      .slice(1)
      .map((f) => `<${f.element.raw}>`)
      .join(' ');
    return new XmlSyntaxError(`the document is cut short${open ? ` inside ${open}` : ''}`);
  }

  private error(at: number, what: string): XmlSyntaxError {
    const before = this.s.slice(0, at);
    const line = before.split('\n').length;
    return new XmlSyntaxError(`${what} (line ${line}, column ${at - before.lastIndexOf('\n')})`);
  }
}

function frame(element: ElementName, attributes: Tree | null, onPath: number): Frame {
  return { element, children: null, text: undefined, attributes, onPath, splitCount: 0, heldEmpty: false };
}

function elementName(raw: string, name: string): ElementName {
  return { raw, name, firstChild: null, nextSibling: null, attributeNames: [] };
}

/**
 * fast-xml-parser's value of an element: its text alone, '' when empty, else an object (children, `#text`,
 * attributes). One whose children were all handed over is an object still, as in the tree.
 */
function elementValue(element: Frame): unknown {
  const { children, text, attributes } = element;
  if (attributes === null && children === null && element.splitCount === 0) return text ?? '';
  const value = children ?? {};
  if (text) value['#text'] = text;
  return attributes === null ? value : Object.assign(value, attributes);
}

/** An attribute's key (`@name`, its prefix removed), or null for a namespace declaration (dropped). */
function attributeKey(name: string): string | null {
  const parts = name.split(':');
  if (parts[0] === 'xmlns') return null;
  return `@${parts.length === 2 ? parts[1] : name}`;
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;
/** White space, `>` and `/` end a name in a tag. */
const endsName = (c: number) => c === 32 || c === 10 || c === 9 || c === 13 || c === 62 || c === 47;
/** An attribute's name ends where an element's does, or at its `=`. */
const endsAttributeName = (c: number) => endsName(c) || c === 61;

/**
 * `&…;` references replaced as fast-xml-parser replaces them: known names, and code points (a NUL, a surrogate or,
 * in XML 1.0, a C0 control other than tab, LF and CR becomes nothing); anything else is left as written. In text
 * (`strict`) every `&` must start a well-formed reference (`&name;` of up to 20 word characters, `&#digits;`,
 * `&#xhex;`), as the validator fast-xml-parser ran demands.
 */
function decode(value: string, strict: boolean, xml11: boolean): string {
  let amp = value.indexOf('&');
  if (amp === -1) return value;
  if (strict) for (let k = amp; k !== -1; k = value.indexOf('&', k + 1)) checkReference(value, k);
  let out = '';
  let last = 0;
  while (amp !== -1) {
    const semi = value.indexOf(';', amp + 1);
    const replacement = semi === -1 || semi - amp > 33 ? undefined : resolve(value.slice(amp + 1, semi), xml11);
    if (replacement === undefined) {
      amp = value.indexOf('&', amp + 1);
      continue;
    }
    out += value.slice(last, amp) + replacement;
    last = semi + 1;
    amp = value.indexOf('&', last);
  }
  return last === 0 ? value : out + value.slice(last);
}

function resolve(token: string, xml11: boolean): string | undefined {
  if (token === '') return undefined;
  if (token[0] !== '#') return ENTITIES.get(token);
  const hex = token[1] === 'x' || token[1] === 'X';
  const cp = hex ? parseInt(token.slice(2), 16) : parseInt(token.slice(1), 10);
  if (Number.isNaN(cp) || cp < 0 || cp > 0x10ffff) return undefined;
  if (cp === 0 || (cp >= 0xd800 && cp <= 0xdfff)) return '';
  if (!xml11 && cp < 0x20 && cp !== 9 && cp !== 10 && cp !== 13) return '';
  return String.fromCodePoint(cp);
}

const WORD = /\w/;
const DIGIT = /\d/;
const HEX_DIGIT = /[\da-fA-F]/;

function checkReference(value: string, amp: number): void {
  let k = amp + 1;
  const bad = () => new XmlSyntaxError(`"${value.slice(amp, amp + 24)}" is not a reference ("&" must be "&amp;")`);
  if (value[k] === '#') {
    k++;
    const hex = value[k] === 'x';
    if (hex) k++;
    const digit = hex ? HEX_DIGIT : DIGIT;
    while (k < value.length && value[k] !== ';') if (!digit.test(value[k++])) throw bad();
  } else {
    const start = k;
    while (k < value.length && k - start < 20 && WORD.test(value[k])) k++;
    if (k === start) throw bad();
  }
  if (value[k] !== ';') throw bad();
}
