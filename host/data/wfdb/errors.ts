/** Any problem found while reading WFDB files: malformed text, truncated or corrupt data, unsupported features. */
export class WfdbError extends Error {
  override name = 'WfdbError';
}

/** A valid WFDB feature this reader deliberately does not implement (multi-segment records, skew, ...). */
export class WfdbUnsupportedError extends WfdbError {
  override name = 'WfdbUnsupportedError';
}
