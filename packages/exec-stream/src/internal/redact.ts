/**
 * Masks the values of `s=` query parameters (the exec stream's only credential) wherever they
 * appear in `text`, whether as `?s=`, `&s=` or percent-encoded.
 */
export function redactExecUrl(text: string): string {
  return text.replace(/([?&](?:amp;)?s=)[^&#\s"'<>]*/gi, '$1***').replace(/(%3Fs%3D|%26s%3D)[^&#\s"'<>%]*/gi, '$1***');
}
