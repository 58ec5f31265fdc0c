// Every PDF as an archive file (render/pdf-archive.ts): PDF/A-3b (XMP with pdfaid 3/B, an sRGB
// output intent, every font embedded), its title, and the declaration it was made from attached as
// its Source, which `shenbao extract file.pdf` gives back exactly. Read with pdf-lib and xmldom,
// independently of pdfkit.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { AFRelationship, decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFString, PDFHexString, type PDFObject } from '@pdfme/pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declarationDocument } from '../src/layout/forms.js';
import { loadFonts } from '../src/render/fonts.js';
import { loadTemplates } from '../src/layout/templates.js';
import { pagedPdf } from '../src/output/paged-pdf.js';
import type { Packet } from '../src/model/packet.js';
import { sourceOfPdf } from '../src/extract/pdf.js';
import { formArchive, summaryArchive } from '../src/output/forms.js';
import { packetData } from '../src/output/manifest.js';
import { CLI, shenbaoHere } from './support/cli.js';
import { loadSeed, SEED_FILE } from './support/seed.js';
import { seedBuild } from './support/seed-built.js';

const seed = loadSeed();
const { $schema: _, projects, ...header } = seed as Packet & { $schema?: string };
let out: string;
const pdfs = new Map<string, Uint8Array>();
beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'shenbao-archive-'));
  // The seed's build as the run made it once (test/support/seed-build.ts: --date 2023-01-01T08:00:00, 2023-01-01 00:00 UTC), copied
  // to out/minhang-2023 where a build would have written it: its PDFs are the ones checked here.
  const built = path.join(out, 'minhang-2023');
  await cp(await seedBuild(), built, { recursive: true });
  for (const name of (await readdir(built)).filter((f) => f.endsWith('.pdf'))) pdfs.set(name, new Uint8Array(await readFile(path.join(built, name))));
}, 60_000);
afterAll(() => rm(out, { recursive: true, force: true }));

/** What the seed's PDFs must carry: a form its packet with its one project, the 汇总表 the packet. */
const expected = (name: string) => (name === '汇总表.pdf' ? { ...header, projects } : { ...header, projects: [projects[Number(name.slice(0, 2)) - 1]!] });
const titleOf = (name: string) => (name === '汇总表.pdf' ? seed.title : projects[Number(name.slice(0, 2)) - 1]!.name);

async function structure(bytes: Uint8Array) {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const lookup = <T extends PDFObject | undefined>(object: PDFObject | undefined) => (object instanceof PDFRef ? pdf.context.lookup(object) : object) as T;
  const text = (object: PDFObject | undefined) => {
    const value = lookup<PDFObject>(object);
    return value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined;
  };
  const metadata = lookup<PDFRawStream>(pdf.catalog.get(PDFName.of('Metadata')));
  const xmp = Buffer.from(metadata.getContents()).toString('utf8');
  const intents = lookup<PDFArray>(pdf.catalog.get(PDFName.of('OutputIntents')));
  const intent = lookup<PDFDict>(intents?.get(0));
  const profile = lookup<PDFRawStream>(intent?.get(PDFName.of('DestOutputProfile')));
  const fonts = pdf.getPages().flatMap((page) => {
    const resources = lookup<PDFDict>(page.node.Resources()?.get(PDFName.of('Font')));
    return (resources?.entries() ?? []).map(([, ref]) => {
      const font = lookup<PDFDict>(ref);
      const descendant = lookup<PDFDict>(lookup<PDFArray>(font.get(PDFName.of('DescendantFonts'))).get(0));
      const descriptor = lookup<PDFDict>(descendant.get(PDFName.of('FontDescriptor')));
      return { name: lookup<PDFName>(font.get(PDFName.of('BaseFont'))).asString(), embedded: ['FontFile', 'FontFile2', 'FontFile3'].some((k) => descriptor.has(PDFName.of(k))) };
    });
  });
  const af = lookup<PDFArray>(pdf.catalog.get(PDFName.of('AF')));
  const sources = (af?.asArray() ?? []).map((ref) => {
    const spec = lookup<PDFDict>(ref);
    const stream = lookup<PDFRawStream>(lookup<PDFDict>(spec.get(PDFName.of('EF'))).get(PDFName.of('F')));
    return {
      relationship: lookup<PDFName>(spec.get(PDFName.of('AFRelationship'))).asString(),
      subtype: lookup<PDFName>(stream.dict.get(PDFName.of('Subtype'))).decodeText(),
      json: Buffer.from(decodePDFRawStream(stream).decode()).toString('utf8'),
      /** /Params /CheckSum as bytes (a hex string <…>), and /Size. */
      checksum: (() => {
        const params = lookup<PDFDict>(stream.dict.get(PDFName.of('Params')));
        const sum = lookup<PDFObject>(params?.get(PDFName.of('CheckSum')));
        return { hex: sum instanceof PDFHexString ? Buffer.from(sum.asBytes()).toString('hex') : String(sum), size: lookup<PDFNumber>(params?.get(PDFName.of('Size')))?.asNumber() };
      })(),
    };
  });
  const info = lookup<PDFDict>(pdf.context.trailerInfo.Info);
  return {
    version: Buffer.from(bytes.subarray(0, 8)).toString('latin1'),
    xmp,
    intent: { subtype: lookup<PDFName>(intent?.get(PDFName.of('S')))?.asString(), components: lookup<PDFNumber>(profile?.dict.get(PDFName.of('N')))?.asNumber(), bytes: profile ? decodePDFRawStream(profile).decode().length : 0 },
    fonts,
    sources,
    title: text(info.get(PDFName.of('Title'))),
  };
}

/** The XMP as XML: parse errors fail the test; the values by their qualified names. */
function readXmp(xmp: string): (name: string) => string[] {
  const errors: string[] = [];
  const document = new DOMParser({ onError: (level, message) => void (level !== 'warning' && errors.push(message)) }).parseFromString(xmp.replace(/^[\s\S]*?(<x:xmpmeta)/, '$1').replace(/<\?xpacket end[\s\S]*$/, ''), 'text/xml');
  expect(errors).toEqual([]);
  return (name) => Array.from(document.getElementsByTagName(name)).map((node) => node.textContent!.trim());
}

describe('every PDF is PDF/A-3b and carries the data it was made from', () => {
  const names = ['01-培训费.pdf', '04-居村自治共治建设.pdf', '10-调研经费.pdf', '汇总表.pdf'];

  it('builds 11 PDFs', () => expect(pdfs.size).toBe(11));

  it.each(names)('%s', async (name) => {
    const pdf = await structure(pdfs.get(name)!);
    expect(pdf.version).toBe('%PDF-1.7');
    const xmp = readXmp(pdf.xmp);
    expect([xmp('pdfaid:part'), xmp('pdfaid:conformance')]).toEqual([['3'], ['B']]);
    expect(xmp('dc:title')).toEqual([titleOf(name)]);
    expect(xmp('dc:creator')).toEqual([seed.unit]);
    expect([xmp('xmp:CreateDate'), xmp('xmp:ModifyDate')]).toEqual([['2023-01-01T00:00:00Z'], ['2023-01-01T00:00:00Z']]);
    expect(xmp('pdf:Producer')[0]).toMatch(/^shenbao \d+\.\d+\.\d+$/);
    expect(pdf.title).toBe(titleOf(name));
    expect(pdf.intent).toEqual({ subtype: '/GTS_PDFA1', components: 3, bytes: 3024 });
    expect(pdf.fonts.length).toBeGreaterThan(0);
    expect(pdf.fonts.filter((f) => !f.embedded)).toEqual([]);
    expect(pdf.sources.map((s) => [s.relationship, s.subtype])).toEqual([['/Source', 'application/json']]);
    expect(JSON.parse(pdf.sources[0]!.json)).toEqual(expected(name));
    // The file's 16-byte MD5 and its size, uncompressed (ISO 32000-1 Table 46).
    const json = Buffer.from(pdf.sources[0]!.json, 'utf8');
    expect(pdf.sources[0]!.checksum).toEqual({ hex: createHash('md5').update(json).digest('hex'), size: json.length });
  });

  it('keeps the XMP XML with a title such as R&D <预算>', async () => {
    const [templates, fonts] = await Promise.all([loadTemplates(), loadFonts()]);
    const project = { ...projects[0]!, name: 'R&D <预算> "试点"' };
    const grid = declarationDocument(templates, project, seed.year, 0);
    const { bytes } = await pagedPdf(grid, { fonts, creationDate: new Date(0), title: project.name, archive: formArchive({ project, header: { ...header, unit: '某单位 & <分部>' } }) });
    const pdf = await structure(bytes);
    const xmp = readXmp(pdf.xmp);
    expect([xmp('dc:title'), xmp('dc:creator')]).toEqual([['R&D <预算> "试点"'], ['某单位 & <分部>']]);
  });

  it('gives the same file for the 汇总表’s packet attached a project at a time as attached whole, its ID from the data it carries', async () => {
    const [templates, fonts] = await Promise.all([loadTemplates(), loadFonts()]);
    const grid = declarationDocument(templates, projects[0]!, seed.year, 0);
    const archive = summaryArchive(seed)!;
    const whole = [...archive.source!.json()].join('');
    // A block of the file ID's hash ends between two pieces: a piece (a project) longer than the block.
    const long = { ...seed, projects: [...projects, { ...projects[1]!, annualGoal: '长'.repeat(70_000) }] };
    const longArchive = summaryArchive(long)!;
    const make = (source: NonNullable<typeof archive>['source']) =>
      pagedPdf(grid, { fonts, creationDate: new Date(0), title: seed.title, archive: { ...archive, source: source! } }).then(({ bytes }) => bytes);
    const [inPieces, inOne] = await Promise.all([make(archive.source), make({ ...archive.source!, json: () => [whole] })]);
    expect(Buffer.compare(inPieces, inOne)).toBe(0);
    const [longPieces, longOne] = await Promise.all([
      make(longArchive.source),
      make({ ...longArchive.source!, json: () => [[...longArchive.source!.json()].join('')] }),
    ]);
    expect(Buffer.compare(longPieces, longOne)).toBe(0);
    // Another packet, another ID: the ID is from the data, not the Info dictionary alone.
    const id = async (bytes: Uint8Array) => (await PDFDocument.load(bytes, { updateMetadata: false })).context.trailerInfo.ID!.toString();
    expect(await id(longPieces)).not.toBe(await id(inPieces));
    expect(JSON.parse(whole)).toEqual(packetData(seed));
  });

  it('shenbao extract gives back exactly the data each PDF carries', async () => {
    for (const name of names) {
      const file = path.join(out, 'minhang-2023', name);
      const run = await shenbaoHere(['extract', file], out);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(expected(name));
      expect(run.stdout).toBe((await structure(pdfs.get(name)!)).sources[0]!.json);
    }
  });

  it('a PDF whose attachment is not a packet, or is damaged, is refused with a message, not a crash', async () => {
    const pdf = await PDFDocument.load(pdfs.get('01-培训费.pdf')!, { updateMetadata: false });
    pdf.catalog.delete(PDFName.of('AF'));
    await pdf.attach(Buffer.from('null'), 'declaration.json', { mimeType: 'application/json', afRelationship: AFRelationship.Source });
    const file = path.join(out, 'null.pdf');
    await writeFile(file, await pdf.save());
    const run = await shenbaoHere(['extract', file], out);
    expect([run.code, run.stderr]).toEqual([2, `${file} 里嵌入的数据不是 shenbao 的数据包（应是一个 JSON 对象）\n`]);
  });

  it('a time given without an offset is Beijing time on every machine: the same PDFs in any time zone', async () => {
    const hashes: string[] = [];
    for (const zone of ['Asia/Shanghai', 'America/New_York']) {
      const dir = path.join(out, `tz-${zone.replace('/', '-')}`);
      await promisify(execFile)(process.execPath, [CLI, 'build', SEED_FILE, '-o', dir, '--date', '2023-01-01T08:00:00', '--format', 'pdf', '--quiet', '--only', '培训费'], { env: { ...process.env, TZ: zone } });
      hashes.push(createHash('sha256').update(await readFile(path.join(dir, 'minhang-2023', '01-培训费.pdf'))).digest('hex'));
    }
    expect(hashes[0]).toBe(hashes[1]);
    const info = (await structure(new Uint8Array(await readFile(path.join(out, 'tz-Asia-Shanghai', 'minhang-2023', '01-培训费.pdf'))))).xmp;
    expect(readXmp(info)('xmp:CreateDate')).toEqual(['2023-01-01T00:00:00Z']);
  }, 60_000);

  it('a PDF without the data is refused, saying what it lacks', async () => {
    const pdf = await PDFDocument.load(pdfs.get('01-培训费.pdf')!, { updateMetadata: false });
    pdf.catalog.delete(PDFName.of('AF'));
    const bare = await pdf.save();
    await expect(sourceOfPdf(bare, 'x.pdf')).rejects.toThrow(
      'x.pdf 里没有 shenbao 嵌入的数据（AFRelationship /Source 的 JSON 附件）：不是 shenbao 生成的，或是较早的版本生成的',
    );
  });
});
