// shenbao: JSON declarations -> 财政项目支出绩效目标申报表 PDFs and the 项目绩效目标汇总表.
//
//   data file ─load/validate─▶ Packet ─view─▶ View ─template─▶ markup ─parse─▶ Grid ─render─▶ bytes
//   (validate/)                (model/)  (layout/view)  (templates/)  (layout/markup)  (render/)
//
// output/ ties the chain to files on disk (staged, manifest-owned); command-line.ts parses
// arguments and prints; cli.ts is the process around it.
export { PacketSchema, ProjectSchema, IndicatorSchema, type Packet, type Project, type Indicator } from './model/packet.js';
export { formatMoney, sumMoney } from './model/money.js';
export { parseTarget, type ParsedTarget, type TargetOperator } from './model/target.js';
export { GOAL_MAX_LENGTH, NAME_MAX_LENGTH, INDICATOR_TEXT_MAX_LENGTH } from './model/text.js';
export { LEVEL1_NAMES, LEVEL2_BY_LEVEL1 } from './model/framework.js';
export { packetJsonSchema } from './model/json-schema.js';
export { hasErrors, sortByPlace, type Diagnostic, type Severity } from './model/diagnostic.js';
export { validatePacket, loadPacketFile, readPacketFile, type Validation, type LoadedPacket } from './validate/validate.js';
export { formatDiagnostic } from './validate/format.js';
export { diagnosticJson, fieldLabel, pathText, type DiagnosticJson } from './validate/format.js';
export { decodeDataFile, readDataFile, parseDataText, encodingDiagnostic, DataFileError, MAX_DATA_FILE_BYTES, type Encoding, type Place, type ParsedData } from './validate/source.js';
export type * from './layout/grid.js';
export { loadTemplates, DEFAULT_TEMPLATE_DIR, type FormTemplates } from './layout/templates.js';
export { declarationDocument, declarationSections, summaryDocument } from './layout/forms.js';
export { parseMarkup, anchorPaths, MarkupError } from './layout/markup.js';
export { paginate, splitTable, cutDocument, type TablePiece, type LaidOutDocument, type PagedDocument } from './layout/paginate.js';
export { planBreaks } from './layout/page-flow.js';
export { FORM_PAGE } from './layout/page-style.js';
export { layOutPages, type LaidOutPages } from './layout/pages.js';
export { placeDocument, numberPages, type PositionedPage, type PageItem, type PlacedText, type PlacedRule } from './layout/place.js';
export { pageMeasure } from './layout/page-measure.js';
export { breakLines, type TextMeasure, type TextLine, type TextStyle, type Face } from './layout/text.js';
export { renderPdf, pdfWriter, type PdfOptions, type PdfWriter } from './render/pdf.js';
export { textMeasure } from './render/measure.js';
export { pagedPdf, type PagedPdf } from './output/paged-pdf.js';
export { loadFonts, chooseFonts, DEFAULT_FONTS, REQUIRED_TEXT, type FontFiles, type FontFace, type LoadedFonts } from './render/fonts.js';
export { missingGlyphs, glyphDiagnostics, codePointName, type GlyphProblem } from './render/glyphs.js';
export {
  buildFiles,
  buildPacket,
  buildPacketFile,
  planBuild,
  createBuildContext,
  type BuildOptions,
  type BuildReport,
  type BuildProgress,
  type BuildContext,
  type PacketPlan,
} from './output/build.js';
export { buildFilesIsolated } from './output/isolated.js';
export { checkPrintable, type Printable } from './output/printable.js';
export { lockPacketFolder, LOCK_FILE } from './output/lock.js';
export { MANIFEST_FILE, readManifest, type Manifest, type ManifestEntry } from './output/manifest.js';
export { findDataFiles } from './output/inputs.js';
export { blankForm, BLANK_GROUPS, type BlankOptions } from './output/blank.js';
export { gatherForms, formFiles, type Gathered, type GatheredFile, type GatherOptions } from './output/gather.js';
export { extractFile, comparablePacket, type ExtractedFile } from './output/revision.js';
export { diffPackets, diffSides, formatChange, type PacketChange, type DiffSide, type SidesDiff } from './extract/diff.js';
export { loadP12, type Signer } from './sign/cms.js';
export { signPdf, AlreadySigned, type SignOptions } from './sign/sign.js';
export { signPath, type SignReport, type SignOutcome } from './output/sign-folder.js';
export { readSignatures, type SignatureCheck } from './sign/signatures.js';
export { runCli, type CliIO } from './command-line.js';
export { EXIT, exitCodeOf } from './exit-codes.js';
export { UserError, EnvironmentError } from './errors.js';
