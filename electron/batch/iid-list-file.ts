/**
 * The one reader of a list of Installation IDs, for the window's Batch and for `cid-desk batch`:
 * the same size cap, the same UTF-16 handling and the same refusal of a file that is not text,
 * so a file is accepted or refused alike by both.
 */

/** A text file of IIDs larger than this is surely the wrong file. */
export const MAX_BATCH_FILE_BYTES = 5 * 1024 * 1024;

/**
 * The text of a list of IIDs. Windows PowerShell 5.1 (`>`, Out-File) and Notepad's "Unicode" save
 * UTF-16 with a byte order mark, little-endian (FF FE) or big-endian (FE FF); everything else is
 * read as UTF-8, without its byte order mark (EF BB BF) if it has one.
 */
export function decodeTextFile(bytes: Uint8Array): string {
  // Each decoder drops its own byte order mark at the start, and only there.
  const [first, second] = bytes;
  if (first === 0xff && second === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (first === 0xfe && second === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * The decoded text of a list, or undefined when it is not text. Checked after decoding: UTF-16
 * text is full of zero bytes, but a NUL character in the decoded text means the file is not text.
 */
export function iidListText(bytes: Uint8Array): string | undefined {
  const text = decodeTextFile(bytes);
  return text.includes('\u0000') ? undefined : text;
}
