// Who may drive a content script: only the extension's own contexts (background, popup, and its
// pages opened in a tab). Firefox gives an extension page in a tab `sender.tab` (Chromium does
// not), so they are told apart by their address under the extension's origin, not by the absence
// of a tab.

export interface MessageSenderLike {
  id?: string;
  url?: string;
  tab?: unknown;
}

export function isFromExtension(sender: MessageSenderLike, extensionId: string, extensionOrigin: string): boolean {
  if (sender.id !== extensionId) return false;
  if (!sender.tab) return true;
  return (sender.url ?? '').startsWith(extensionOrigin);
}
