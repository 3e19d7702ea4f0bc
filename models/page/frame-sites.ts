// The sites a frame belongs to, for the per-site switch: its own URL and every ancestor's origin
// (Chromium's `location.ancestorOrigins`), so a cross-origin iframe inside a switched-off site
// is off too. The router checks the tab's top-level URL as well, from the port's sender.
export interface LocationLike {
  href: string;
  ancestorOrigins?: { length: number; [index: number]: string } | undefined;
}

export function frameSiteUrls(location: LocationLike): string[] {
  const urls = [location.href];
  const ancestors = location.ancestorOrigins;
  for (let i = 0; ancestors && i < ancestors.length; i++) urls.push(ancestors[i]!);
  return urls;
}
