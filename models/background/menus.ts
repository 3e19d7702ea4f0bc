// Context menu items and keyboard commands: both ask the tab's content script to run a tool
// on its selection, so the page text never passes through the background first.
import { browser } from 'wxt/browser';
import type { ContentMessage } from '../shared/protocol';

export const TOOL_MENUS = [
  { id: 'sense', title: 'Meaning in context', contexts: ['selection'] },
  { id: 'cloze', title: 'Cloze practice', contexts: ['selection'] },
  { id: 'complete', title: 'Continue this text', contexts: ['selection', 'editable'] },
] as const;

export const COMMAND_TOOLS: Record<string, ContentMessage & { kind: 'trigger' }> = {
  'sense-lookup': { kind: 'trigger', tool: 'sense' },
  'cloze-practice': { kind: 'trigger', tool: 'cloze' },
  'continue-text': { kind: 'trigger', tool: 'complete' },
};

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
