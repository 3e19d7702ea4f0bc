// Context menu items and keyboard commands: both ask the tab's content script to run a tool
// on its selection, so the page text never passes through the background first.
import { browser } from 'wxt/browser';
import type { ContentMessage } from '../shared/protocol';
import { TOOL_NAMES, TOOLS } from '../shared/tools';

/** Context menu entries, one per tool (the tool table). */
export const TOOL_MENUS = TOOL_NAMES.map((tool) => ({ id: tool, ...TOOLS[tool].menu }));

/** Keyboard command name → the trigger it sends the tab. */
export const COMMAND_TOOLS: Record<string, ContentMessage & { kind: 'trigger' }> = Object.fromEntries(
  TOOL_NAMES.map((tool) => [TOOLS[tool].command.name, { kind: 'trigger', tool }]),
);

export function installMenus(title: (id: string, fallback: string) => string): void {
  browser.runtime.onInstalled.addListener(() => {
    void browser.contextMenus.removeAll().then(() => {
      for (const menu of TOOL_MENUS) {
        browser.contextMenus.create({ id: menu.id, title: title(menu.id, menu.title), contexts: [...menu.contexts] });
      }
    });
  });
  browser.contextMenus.onClicked.addListener((info, tab) => {
    const tool = TOOL_MENUS.find((m) => m.id === info.menuItemId)?.id;
    if (tool && tab?.id !== undefined) void trigger(tab.id, { kind: 'trigger', tool }, info.frameId);
  });
  browser.commands.onCommand.addListener((command, tab) => {
    const message = COMMAND_TOOLS[command];
    if (message && tab?.id !== undefined) void trigger(tab.id, message);
  });
}

async function trigger(tabId: number, message: ContentMessage, frameId?: number): Promise<void> {
  await browser.tabs.sendMessage(tabId, message, frameId !== undefined ? { frameId } : undefined).catch(() => undefined);
}
