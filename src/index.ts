// shenbao: JSON declarations -> 财政项目支出绩效目标申报表 PDFs and the 项目绩效目标汇总表.
//
//   data file ─load/validate─▶ Packet ─view─▶ View ─template─▶ markup ─parse─▶ Grid ─render─▶ bytes
//   (validate/)                (model/)  (layout/view)  (templates/)  (layout/markup)  (render/)
//
// output/ ties the chain to files on disk (staged, manifest-owned); command-line.ts parses
// arguments and prints; cli.ts is the process around it.
//
// This is the package's one door (package.json's `exports`): what a program that embeds shenbao
// calls, one function per command (library.ts), and the types those take and give. Everything
// else is internal and may change.
export {
  validate,
  buildPacket,
  renderForm,
  renderSummary,
  renderWorkbook,
  extract,
  diff,
  verify,
  sign,
  serve,
  InvalidPacketError,
  type FormOptions,
  type ValidateOptions,
  type ValidatedFile,
  type BuildPacketOptions,
  type BuiltPacket,
  type RenderOptions,
  type RenderedFiles,
  type WorkbookOptions,
  type ExtractOptions,
  type Extracted,
  type Differences,
  type PacketChange,
  type DataPath,
  type VerifyOptions,
  type VerifiedFolder,
  type SignatureInfo,
  type SignOptions,
  type SignedFolder,
  type ServeOptions,
  type ServedFolder,
} from './library.js';
export type { OutputFormat } from './output/formats.js';
export type { Packet, Project, Indicator, Display } from './model/packet.js';
export { packetJsonSchema } from './model/json-schema.js';
export type { Diagnostic, Severity, ProblemPlace } from './model/diagnostic.js';
export { UserError } from './errors.js';
