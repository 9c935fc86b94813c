// The packed-model reader: validation with the C core's status codes, zero-copy access, format constants.
export { readModel, type BlobSource, type ReadOptions } from "./reader.ts";
export { Model, type Generator, type GenLayer, type MlpLayer, type Op, type SectionEntry, type Tensor } from "./model.ts";
export { HtError } from "./errors.ts";
export { crc32, crc32Update, blobCrc } from "./crc32.ts";
export { readPacked, unpackInto } from "./bitpack.ts";
export * from "./format.ts";
