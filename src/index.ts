// shenbao: JSON declarations -> 财政项目支出绩效目标申报表 PDFs and the 项目绩效目标汇总表.
//
//   data file ─load/validate─▶ Packet ─view─▶ View ─template─▶ markup ─parse─▶ Grid ─render─▶ bytes
//   (validate/)                (model/)  (layout/view)  (templates/)  (layout/markup)  (render/)
//
// output/ ties the chain to files on disk; cli.ts only parses arguments and prints.
export { PacketSchema, ProjectSchema, IndicatorSchema, type Packet, type Project, type Indicator } from './model/packet.js';
export { formatMoney, sumMoney } from './model/money.js';
export { packetJsonSchema } from './model/json-schema.js';
export { hasErrors, type Diagnostic, type Severity } from './validate/diagnostic.js';
export { validatePacket, loadPacketFile, type Validation, type LoadedPacket } from './validate/validate.js';
export { formatDiagnostic } from './validate/format.js';
export type * from './layout/grid.js';
export { loadTemplates, DEFAULT_TEMPLATE_DIR, type FormTemplates } from './layout/templates.js';
export { declarationDocument, summaryDocument } from './layout/forms.js';
export { parseMarkup, MarkupError } from './layout/markup.js';
export { splitTable, cutDocument, type TablePiece, type LaidOutDocument } from './layout/paginate.js';
export { renderPdf, DEFAULT_PDF_OPTIONS, type PdfOptions, type PdfResult } from './render/pdf.js';
export { loadFonts, chooseFonts, DEFAULT_FONTS, type FontFiles } from './render/fonts.js';
export { buildPacketFile, createBuildContext, type BuildOptions, type BuildReport, type BuildProgress } from './output/build.js';
export { findDataFiles } from './output/inputs.js';
export { UserError } from './errors.js';
