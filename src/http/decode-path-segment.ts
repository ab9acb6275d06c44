/** decodeURIComponent that answers `undefined` for malformed escapes instead of throwing. */
export function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
