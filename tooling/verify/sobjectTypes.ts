import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type {
  SchemaField,
  SchemaObject,
  StandardFieldType,
} from '../../scripts/lib/schema/standardSchema.ts';

/**
 * The complete standard-object schema apex-ls itself type-checks against: the `sobject-types` jar shipped
 * with @salesforce/code-analyzer-pmd-engine has one Java class per standard SObject (API 65) whose public
 * fields are the SObject's fields, lookups (typed as the parent SObject) and child relationships (arrays).
 * Read here without Java: a small zip reader and a class-file field-table parser.
 */

const PREFIX = 'com/nawforce/runforce/SObjects/';

export interface ZipEntry {
  method: number;
  compressedSize: number;
  localOffset: number;
}

/** Every entry of a zip (jar) file by its full name. */
export function zipEntries(buf: Buffer): Map<string, ZipEntry> {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = new Map<string, ZipEntry>();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad zip central directory');
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    entries.set(buf.toString('utf8', p + 46, p + 46 + nameLen), { method, compressedSize, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The (inflated) content of one zip entry. */
export function readZipEntry(buf: Buffer, e: ZipEntry): Buffer {
  const nameLen = buf.readUInt16LE(e.localOffset + 26);
  const extraLen = buf.readUInt16LE(e.localOffset + 28);
  const start = e.localOffset + 30 + nameLen + extraLen;
  const data = buf.subarray(start, start + e.compressedSize);
  return e.method === 8 ? inflateRawSync(data) : Buffer.from(data);
}

/** Public instance fields of a class file: [name, descriptor][] and the class's simple name. */
export function classFields(cls: Buffer): { className: string; fields: [string, string][] } {
  let p = 8;
  const cpCount = cls.readUInt16BE(p);
  p += 2;
  const utf8: (string | undefined)[] = [];
  const classRef: number[] = [];
  for (let i = 1; i < cpCount; i++) {
    const tag = cls[p];
    p += 1;
    switch (tag) {
      case 1: {
        const len = cls.readUInt16BE(p);
        utf8[i] = cls.toString('utf8', p + 2, p + 2 + len);
        p += 2 + len;
        break;
      }
      case 7:
        classRef[i] = cls.readUInt16BE(p);
        p += 2;
        break;
      case 8:
      case 16:
      case 19:
      case 20:
        p += 2;
        break;
      case 15:
        p += 3;
        break;
      case 3:
      case 4:
      case 9:
      case 10:
      case 11:
      case 12:
      case 17:
      case 18:
        p += 4;
        break;
      case 5:
      case 6:
        p += 8;
        i++; // takes two slots
        break;
      default:
        throw new Error(`unknown constant pool tag ${tag}`);
    }
  }
  p += 2; // access flags
  const thisClass = cls.readUInt16BE(p);
  p += 4; // this, super
  const interfaces = cls.readUInt16BE(p);
  p += 2 + 2 * interfaces;
  const fieldCount = cls.readUInt16BE(p);
  p += 2;
  const fields: [string, string][] = [];
  for (let f = 0; f < fieldCount; f++) {
    const access = cls.readUInt16BE(p);
    const name = utf8[cls.readUInt16BE(p + 2)] ?? '';
    const desc = utf8[cls.readUInt16BE(p + 4)] ?? '';
    const attrs = cls.readUInt16BE(p + 6);
    p += 8;
    for (let a = 0; a < attrs; a++) p += 6 + cls.readUInt32BE(p + 2);
    const isStatic = (access & 0x0008) !== 0;
    if ((access & 0x0001) !== 0 && !isStatic) fields.push([name, desc]);
  }
  const className = (utf8[classRef[thisClass]] ?? '').split('/').pop() ?? '';
  return { className, fields };
}

const SYSTEM_TYPES: Record<string, StandardFieldType> = {
  String: 'text',
  Id: 'id',
  Decimal: 'number',
  Integer: 'number',
  Long: 'number',
  Double: 'number',
  Boolean: 'checkbox',
  Date: 'date',
  Datetime: 'datetime',
  Time: 'time',
  Blob: 'base64',
};

/** Turn one SObject class into a schema object (fields, lookups with relationship names, child relationships). */
export function sobjectFromClass(cls: Buffer): SchemaObject {
  const { className, fields } = classFields(cls);
  const obj: SchemaObject = { name: className, custom: false, fields: new Map(), children: new Map() };
  for (const [name, desc] of fields) {
    const child = /^\[Lcom\/nawforce\/runforce\/SObjects\/(\w+);$/.exec(desc);
    if (child) {
      obj.children.set(name.toLowerCase(), child[1]);
      continue;
    }
    const parent = /^Lcom\/nawforce\/runforce\/SObjects\/(\w+);$/.exec(desc);
    let field: SchemaField;
    if (parent && parent[1] !== 'Address' && parent[1] !== 'Location') {
      // a relationship: Owner -> User, What -> Name (polymorphic)
      field = { name, type: 'reference', referenceTo: [parent[1]], relationshipName: name };
    } else {
      const sys = /^Lcom\/nawforce\/runforce\/System\/(\w+);$/.exec(desc)?.[1] ?? '';
      field = { name, type: parent ? 'address' : (SYSTEM_TYPES[sys] ?? 'text') };
    }
    obj.fields.set(name.toLowerCase(), field);
  }
  return obj;
}

export class SObjectTypes {
  private buf: Buffer | undefined;
  private entries: Map<string, ZipEntry> | undefined;
  private cache = new Map<string, SchemaObject | null>();

  constructor(private readonly jarPath: string) {}

  /** The sobject-types jar next to apex-ls in the repository's node_modules. */
  static forRepo(repoDir: string): SObjectTypes {
    const dir = join(repoDir, 'node_modules', '@salesforce', 'code-analyzer-pmd-engine', 'dist', 'java-lib');
    const jar = existsSync(dir) ? readdirSync(dir).find((f) => /^sobject-types-.*\.jar$/.test(f)) : undefined;
    return new SObjectTypes(join(dir, jar ?? 'sobject-types.jar'));
  }

  get available(): boolean {
    return existsSync(this.jarPath);
  }

  /** The standard SObject by API name (case-insensitive), or null when Salesforce has no such object. */
  get(name: string): SchemaObject | null {
    const key = name.toLowerCase();
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    if (!this.entries) {
      if (!this.available) return null;
      this.buf = readFileSync(this.jarPath);
      this.entries = new Map();
      for (const [name, e] of zipEntries(this.buf)) {
        if (name.startsWith(PREFIX) && name.endsWith('.class')) {
          this.entries.set(name.slice(PREFIX.length, -'.class'.length).toLowerCase(), e);
        }
      }
    }
    const entry = this.entries.get(key);
    const obj = entry && this.buf ? sobjectFromClass(readZipEntry(this.buf, entry)) : null;
    this.cache.set(key, obj);
    return obj;
  }
}
